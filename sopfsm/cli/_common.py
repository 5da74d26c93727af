"""What the command modules share: the language option, JSON output, usage errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from sopfsm.text import LANGS


def lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=LANGS, default="id", help="language of the call (default: id)"
    )


def print_json(data: Any, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
