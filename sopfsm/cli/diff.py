"""``sopfsm diff OLD NEW``: what changed between two SOPs, path by path, as diff(1) exits."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sopfsm.cli._common import print_json, sop_of
from sopfsm.cli.exit import ExitCode
from sopfsm.text import LANGS


def add_commands(commands: Any) -> None:
    diff = commands.add_parser(
        "diff",
        help="what changed between two SOPs, by their answer paths (exit 0 same, 1 different)",
        description=(
            "Compare two SOPs by their answer paths: each path unchanged, gone, new or "
            "changed (in outcome, what it carries, the questions asked, what the CSO says, "
            "does or notes), then the steps, branches, questions and citations that changed. "
            "Exit status as diff(1): 0 same, 1 different, 2 trouble."
        ),
    )
    for name in ("old", "new"):
        diff.add_argument(
            name,
            metavar=name.upper(),
            help="a SOP id (the version in force now), SOP@VERSION, or a SOP file",
        )
    shown = diff.add_mutually_exclusive_group()
    shown.add_argument("--json", action="store_true", help="the diff as JSON, for tools")
    shown.add_argument(
        "--html",
        nargs="?",
        const="-",
        default=None,
        metavar="FILE",
        help="a page for reviewers, both flowcharts side by side with what changed marked, "
        "written to FILE (default: standard output); self-contained, it fetches nothing",
    )
    diff.add_argument(
        "--lang",
        dest="page_lang",  # errors stay in English, as without --html
        choices=LANGS,
        default="id",
        help="language of the HTML page's flowcharts and headings (default: id)",
    )
    diff.set_defaults(handler=_diff)


def _diff(args: argparse.Namespace) -> int:
    from sopfsm.diff import diff_document, diff_sops, format_diff

    old, new = sop_of(args.old), sop_of(args.new)
    result = diff_sops(old, new)
    if args.html is not None:
        from sopfsm.diagram import diff_html

        page = diff_html(old, new, args.page_lang)
        if args.html == "-":
            sys.stdout.write(page)
        else:
            Path(args.html).write_text(page, encoding="utf-8")
    elif args.json:
        print_json(diff_document(result))
    else:
        sys.stdout.write(format_diff(result))
    return ExitCode.OK if result.same else ExitCode.CHECK_FAILED
