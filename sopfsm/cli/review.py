"""``sopfsm audit``, ``render`` and ``booklet``: the review tools."""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sopfsm.catalogue import all_sops, sop_ids, sop_versions
from sopfsm.cli._common import lang_option
from sopfsm.cli.exit import ExitCode
from sopfsm.declare import Sop
from sopfsm.errors import UnknownMachine, UnknownSop, UsageError, one_line
from sopfsm.formats.load import sop_from_argument
from sopfsm.model import SopSpec


def add_commands(commands: Any) -> None:
    audit = commands.add_parser("audit", help="prove every answer path ends in a valid outcome")
    audit.add_argument(
        "sops",
        nargs="*",
        metavar="SOP",
        help="SOP ids, or module:Class for a SOP of your own (default: all bundled SOPs)",
    )
    form = audit.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--markdown", action="store_true", help="print Markdown")
    audit.set_defaults(handler=_audit)

    render = commands.add_parser("render", help="flowcharts of the SOPs (default: all formats)")
    render.add_argument("sops", nargs="*", metavar="SOP", help="SOP ids (default: all)")
    render.add_argument(
        "--format",
        action="append",
        choices=FORMATS,
        dest="formats",
        help="repeatable; default: dot, svg, png and mermaid (what diagrams/ holds)",
    )
    render.add_argument("--out", default="diagrams", help="output folder (default: diagrams)")
    lang_option(render)
    render.set_defaults(handler=_render)

    booklet = commands.add_parser("booklet", help="a self-contained HTML training booklet")
    booklet.add_argument(
        "sops", nargs="*", metavar="SOP", help="SOP ids or SOP files (default: all bundled)"
    )
    booklet.add_argument("--out", help="output file (default: booklet-LANG.html)")
    booklet.add_argument(
        "--since",
        metavar="VERSION",
        help="add what changed since this version (YYYY-MM-DD) to each SOP that has it",
    )
    lang_option(booklet)
    booklet.set_defaults(handler=_booklet)


def _audit(args: argparse.Namespace) -> int:
    from sopfsm.audit import audit
    from sopfsm.audit_report import report_dict, report_markdown, report_text

    reports = [audit(_load(name)) for name in (args.sops or sop_ids())]
    if args.json:
        json.dump([report_dict(r) for r in reports], sys.stdout, ensure_ascii=False, indent=2)
        sys.stdout.write("\n")
    elif args.markdown:
        sys.stdout.write(report_markdown(reports) + "\n")
    else:
        sys.stdout.write(report_text(reports) + "\n")
    return ExitCode.OK if all(r.ok for r in reports) else ExitCode.CHECK_FAILED


FORMATS = ("dot", "svg", "png", "pdf", "mermaid")  # sopfsm.diagram.FORMATS, without importing it


def _render(args: argparse.Namespace) -> int:
    from sopfsm.diagram import DIAGRAM_FORMATS, render_files

    _check_out(args.out)
    sops = [sop_from_argument(name) for name in args.sops] if args.sops else all_sops()
    written = render_files(sops, Path(args.out), args.formats or DIAGRAM_FORMATS, args.lang)
    for path in written:
        print(path)
    return ExitCode.OK


def _booklet(args: argparse.Namespace) -> int:
    from sopfsm.diagram import booklet_html

    if args.out is not None:
        _check_out(args.out)
    out = Path(args.out or f"booklet-{args.lang}.html")
    sops = [sop_from_argument(name) for name in args.sops] if args.sops else all_sops()
    since = _earlier(sops, args.since) if args.since is not None else None
    out.write_text(booklet_html(sops, args.lang, since), encoding="utf-8")
    print(out)
    return ExitCode.OK


def _check_out(out: str) -> None:
    # Path("") is the current folder: an empty --out is a slip, never a choice.
    if not out.strip():
        raise UsageError("--out needs a path, not an empty one")


def _load(name: str) -> SopSpec | type[Sop]:
    """A bundled SOP by id, or a user's SOP class by ``module:Class``."""
    if ":" not in name:
        return sop_from_argument(name)
    module_name, _, class_name = name.partition(":")
    if not module_name or module_name.startswith(".") or not class_name:
        raise UnknownMachine(
            name, "expected module:Class with an absolute module name, e.g. mysops:LebihTagih"
        )
    try:
        module = importlib.import_module(module_name)
        machine = getattr(module, class_name, None)
    except (Exception, SystemExit) as error:  # the user's module: any failure is theirs
        raise UnknownMachine(
            name, f"importing it raised {type(error).__name__}: {one_line(str(error))}"
        ) from None
    if not (isinstance(machine, type) and issubclass(machine, Sop)):
        what = (
            "nothing"
            if machine is None
            else f"the class {machine.__name__}"
            if isinstance(machine, type)
            else f"a {type(machine).__name__}"
        )
        raise UnknownMachine(
            name, f"it names {what}, not a Sop class (a bundled SOP is named by its id alone)"
        )
    return machine


def _earlier(sops: Sequence[SopSpec], version: str) -> dict[str, SopSpec]:
    """Version ``version`` of each SOP that has it (a bad version refused by name)."""
    from sopfsm.versions import version_date

    version_date(version)
    found: dict[str, SopSpec] = {}
    for sop in sops:
        try:
            found.update((v.sop_id, v) for v in sop_versions(sop.sop_id) if v.version == version)
        except UnknownSop:  # a SOP file outside the catalogue: no earlier version to show
            continue
    return found
