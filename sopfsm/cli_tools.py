"""The review tools of the ``sopfsm`` command: audit, render and booklet."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any


def add_tool_commands(
    commands: Any, lang_option: Callable[[argparse.ArgumentParser], None]
) -> None:
    """Add ``audit``, ``render`` and ``booklet`` to the command's subparsers."""
