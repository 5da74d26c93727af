"""``sopfsm export``: a SOP as a SOP file (YAML), W3C SCXML, or python-statemachine JSON."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sopfsm.cli.exit import ExitCode
from sopfsm.errors import UsageError

FORMATS = ("yaml", "scxml", "statechart-json")  # sopfsm.formats.export.EXPORTERS


def add_commands(commands: Any) -> None:
    export = commands.add_parser(
        "export", help="a SOP as a SOP file (yaml), SCXML, or statechart JSON"
    )
    export.add_argument("sop", metavar="SOP", nargs="?", help="a SOP id or a SOP file")
    export.add_argument(
        "--format", choices=FORMATS, default="yaml", help="what to write (default: yaml)"
    )
    export.add_argument("--out", help="write to this file (default: standard output)")
    export.add_argument(
        "--all",
        metavar="FOLDER",
        dest="all_to",
        help="write every bundled SOP in every format to FOLDER (what docs/sops holds)",
    )
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace) -> int:
    from sopfsm.catalogue import all_sops
    from sopfsm.formats.export import export_files, export_sop
    from sopfsm.formats.load import sop_from_argument

    if args.all_to:
        if args.sop or args.out:
            raise UsageError("--all writes every SOP; give no SOP and no --out with it")
        for path in export_files(all_sops(), Path(args.all_to)):
            print(path)
        return ExitCode.OK
    if not args.sop:
        raise UsageError("name a SOP to export (an id or a SOP file), or use --all FOLDER")
    text = export_sop(sop_from_argument(args.sop), args.format)
    if args.out:
        Path(args.out).write_bytes(text.encode("utf-8"))
        print(args.out)
    else:
        sys.stdout.write(text)
    return ExitCode.OK
