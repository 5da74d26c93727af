"""The exit codes of the ``sopfsm`` command, defined once and imported by every command.

This module imports nothing, so any command module can use it without a cycle.
"""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    """What the ``sopfsm`` command's exit status means."""

    OK = 0
    """Done: an outcome was reached, a listing printed, every audit check passed."""
    CHECK_FAILED = 1
    """An audit (or a QA check) found a fault; the output names it. For ``diff``: the
    SOPs differ, as diff(1) says it."""
    BAD_INPUT = 2
    """Bad input or a failure that is not a finding, with one line on stderr."""
    ANSWER_NEEDED = 3
    """A guided call still needs an answer (the JSON names it)."""
    INTERRUPTED = 130
    """Ctrl-C, as shells report SIGINT."""
    BROKEN_PIPE = 141
    """The reader of the output went away (``| head``), as shells report SIGPIPE; silent."""
