"""What the command modules share: the language option, JSON output, usage errors."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, TextIO

from sopfsm.model import SopSpec
from sopfsm.text import LANGS


def lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=LANGS, default="id", help="language of the call (default: id)"
    )


def print_json(data: Any, out: TextIO | None = None) -> None:
    (out or sys.stdout).write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def sop_of(ref: str) -> SopSpec:
    """``SOP@VERSION``, a SOP id (the version in force now) or a SOP file."""
    from sopfsm.catalogue import sop_version
    from sopfsm.formats.load import sop_from_argument

    sop_id, at, version = ref.partition("@")
    if at and not any(c in sop_id for c in "./\\"):
        return sop_version(sop_id, version)
    return sop_from_argument(ref)
