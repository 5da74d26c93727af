"""The ``sopfsm`` command: one module per command group, assembled here.

Each command module has ``add_commands(subparsers)``, which adds its commands and sets
their handler; handlers import what is heavy (rendering, the service) when they run.
Exit codes are :class:`sopfsm.cli.exit.ExitCode`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import NoReturn

from sopfsm._text import Lang
from sopfsm.cli import calls, review, serve
from sopfsm.cli.exit import ExitCode
from sopfsm.errors import SopfsmError

COMMAND_MODULES = (calls, review, serve)


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(ExitCode.BAD_INPUT, f"{self.prog}: error: {message} (see sopfsm --help)\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    lang: Lang = getattr(args, "lang", "en")
    try:
        handler: Callable[[argparse.Namespace], int] = args.handler
        return handler(args)
    except SopfsmError as error:
        print(f"sopfsm: error: {error.message(lang)}", file=sys.stderr)
    except OSError as error:  # an output folder or file that cannot be written
        print(f"sopfsm: error: {error.strerror}: {error.filename}", file=sys.stderr)
    return ExitCode.BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sopfsm",
        description="PLN 123 SOPs as finite-state machines: guided calls, audits, flowcharts.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND", parser_class=_Parser)
    for module in COMMAND_MODULES:
        module.add_commands(commands)
    return parser


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
