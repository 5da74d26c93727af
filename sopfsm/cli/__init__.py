"""The ``sopfsm`` command: one module per command group, assembled here.

Each command module has ``add_commands(subparsers)``, which adds its commands and sets
their handler; handlers import what is heavy (rendering, the service) when they run.
Exit codes are :class:`sopfsm.cli.exit.ExitCode`: whatever goes wrong that is not an
audit finding exits 2 with one line on stderr, Ctrl-C exits 130, and a reader that goes
away (``sopfsm list | head -c10``) ends the command silently.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from sopfsm.cli import calls, deliver, diff, files, purge, qa, reads, review, serve, tokens
from sopfsm.cli.exit import ExitCode
from sopfsm.errors import SopFileError, SopFolderError, SopfsmError, one_line
from sopfsm.text import Lang

COMMAND_MODULES = (calls, review, diff, files, serve, deliver, qa, tokens, purge, reads)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.BAD_INPUT, f"{self.prog}: error: {message} (see sopfsm --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return _main(argv)
    except KeyboardInterrupt:
        _error("interrupted")
        return ExitCode.INTERRUPTED
    except BrokenPipeError:
        _abandon_stdout()
        return ExitCode.BROKEN_PIPE


def _main(argv: Sequence[str] | None) -> int:
    if sys.stdout is None:  # started with stdout closed (>&-): nowhere to answer
        _error("standard output is closed")
        return ExitCode.BAD_INPUT
    parser = _parser()
    args = parser.parse_args(argv)
    lang: Lang = getattr(args, "lang", "en")
    folder = args.sop_folder or os.environ.get("SOPFSM_SOPS") or None
    try:
        if folder is not None:
            from sopfsm.catalogue import add_versions
            from sopfsm.formats.folder import load_sop_folder

            add_versions(load_sop_folder(folder), folder=folder)
        handler: Callable[[argparse.Namespace], int] = args.handler
        code = handler(args)
        sys.stdout.flush()  # a full disk or a closed pipe fails here, not at exit
        return code
    except (SopFileError, SopFolderError) as error:  # one line per problem, as compilers do
        _error(f"error: {error.headline}")
        for problem in error.problems if sys.stderr is not None else ():
            sys.stderr.write(f"{one_line(str(problem), 2000)}\n")
    except SopfsmError as error:
        _error(f"error: {error.message(lang)}")
    except BrokenPipeError:
        raise
    except OSError as error:  # an output that cannot be written: a folder, a full disk
        where = f": {error.filename}" if error.filename else " writing the output"
        _error(f"error: {error.strerror or error}{where}")
        if error.filename is None:
            _abandon_stdout()
    finally:
        if folder is not None:  # main() called again in one process starts afresh
            from sopfsm.catalogue import clear_added_versions

            clear_added_versions()
    return ExitCode.BAD_INPUT


def _error(message: str) -> None:
    if sys.stderr is not None:
        sys.stderr.write(f"sopfsm: {one_line(message, 2000)}\n")
        sys.stderr.flush()


def _abandon_stdout() -> None:
    """Drop what stdout still buffers, so that exiting does not fail writing it again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):  # not a real file (a test's capture)
        pass


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sopfsm",
        description="PLN 123 SOPs as finite-state machines: guided calls, audits, flowcharts.",
    )
    parser.add_argument(
        "--sops",
        metavar="DIR",
        dest="sop_folder",
        help="a folder of SOP files that adds SOP versions to the bundled ones or overrides "
        "them (also the environment variable SOPFSM_SOPS)",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.add_commands(commands)
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
