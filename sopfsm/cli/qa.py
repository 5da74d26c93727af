"""``sopfsm check-calls`` and ``simulate``: QA over recorded calls."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sopfsm.cli.exit import ExitCode

if TYPE_CHECKING:
    from sopfsm.qa.summary import Summary

MAX_PROBLEMS_PRINTED = 100


def add_commands(commands: Any) -> None:
    check = commands.add_parser(
        "check-calls", help="check recorded calls against their SOP; exit 1 if any deviates"
    )
    check.add_argument(
        "files",
        nargs="*",
        metavar="FILE",
        help="JSON Lines (saved or recorded calls) or CSV files; - reads standard input",
    )
    check.add_argument(
        "--store",
        action="append",
        default=[],
        metavar="URL",
        help="also check every call of the call store at URL (sqlite:///PATH, postgresql://...)",
    )
    check.add_argument(
        "--input-format",
        choices=("jsonl", "csv"),
        help="the files' format (default: by suffix, else by the first line)",
    )
    output = check.add_mutually_exclusive_group()
    output.add_argument(
        "--format",
        choices=("text", "jsonl"),
        default="text",
        help="text: a summary (default); jsonl: one object per call, then the summary",
    )
    output.add_argument("--markdown", action="store_true", help="print the tables as Markdown")
    check.add_argument("--html", metavar="OUT", help="also write the HTML report to OUT")
    check.add_argument("--jobs", type=_positive, default=1, help="processes (default: 1)")
    check.add_argument(
        "--show-personal",
        action="store_true",
        help="show recorded personal data (NIK, IDPEL, meter, name, phone) in full in every "
        "output, for QA who may see it (default: masked, 3171 **** **** 0001)",
    )
    check.add_argument(
        "--lang",
        choices=("en", "id"),
        default="en",
        help="language of reasons and flowcharts (default: en)",
    )
    check.set_defaults(handler=_check_calls)

    simulate = commands.add_parser(
        "simulate", help="write simulated recorded calls, a known share with deviations"
    )
    simulate.add_argument("sops", nargs="*", metavar="SOP", help="SOP ids (default: all)")
    simulate.add_argument("--calls", type=_positive, default=1000, help="(default: 1000)")
    simulate.add_argument("--seed", type=int, default=0, help="(default: 0)")
    simulate.add_argument(
        "--deviations", type=_rate, default=0.1, help="share of calls that deviate (default: 0.1)"
    )
    simulate.add_argument(
        "--corrections",
        type=_rate,
        default=0.0,
        help="share of calls with a corrected answer, labelled in _injected (default: 0)",
    )
    simulate.add_argument("--format", choices=("jsonl", "csv"), default="jsonl")
    simulate.add_argument("--out", help="output file (default: standard output)")
    simulate.set_defaults(handler=_simulate)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} is not at least 1")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError(f"{value} is not between 0 and 1")
    return value


def _check_calls(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from sopfsm.qa.check import ChunkResult, check_files, json_line
    from sopfsm.qa.report import plain, summary_markdown, summary_text

    if not args.files and not args.store:
        print("sopfsm: error: name a FILE (- for standard input) or --store URL", file=sys.stderr)
        return ExitCode.BAD_INPUT
    printed = 0
    jsonl = args.format == "jsonl"

    def on_result(result: ChunkResult) -> None:
        nonlocal printed
        for problem in result.problems:
            if printed < MAX_PROBLEMS_PRINTED:
                where = f"{problem.file}:{problem.line}" if problem.line else problem.file
                reason = plain(problem.reason)
                bar.write(f"sopfsm: {plain(where)}: skipped: {reason}", file=sys.stderr)
            printed += 1
        if jsonl and result.lines:
            lines = result.lines if args.show_personal else [_masked(x) for x in result.lines]
            sys.stdout.write("\n".join(lines) + "\n")

    sizes = [_size(name) for name in args.files]
    total = None if None in sizes else sum(s for s in sizes if s is not None)
    bar = tqdm(
        total=total,
        unit="B",
        unit_scale=True,
        desc="check-calls",
        disable=not sys.stderr.isatty(),
        file=sys.stderr,
    )
    with bar:
        summary = check_files(
            args.files,
            stores=args.store,
            input_format=args.input_format,
            jobs=args.jobs,
            want_lines=jsonl,
            lang=args.lang,
            on_bytes=bar.update,
            on_result=on_result,
        )
    if printed > MAX_PROBLEMS_PRINTED:
        print(f"sopfsm: {printed - MAX_PROBLEMS_PRINTED} more lines skipped", file=sys.stderr)
    if not args.show_personal:
        summary = _masked_summary(summary)
    if jsonl:
        line = json_line({"summary": summary.to_dict()})
        sys.stdout.write((line if args.show_personal else _masked(line)) + "\n")
    elif args.markdown:
        sys.stdout.write(summary_markdown(summary) + "\n")
    else:
        sys.stdout.write(summary_text(summary) + "\n")
    if args.html:
        from sopfsm.qa.report import summary_html

        Path(args.html).write_text(summary_html(summary, args.lang), encoding="utf-8")
    if summary.calls == 0:
        print("sopfsm: error: no call could be read", file=sys.stderr)
        return ExitCode.BAD_INPUT
    return ExitCode.OK if summary.deviating == 0 else ExitCode.CHECK_FAILED


def _size(name: str) -> int | None:
    """The file's size for the progress bar; None when unknown (standard input, or a
    file that cannot be read, which the check reports in its place)."""
    try:
        return None if name == "-" else Path(name).stat().st_size
    except OSError:
        return None


def _simulate(args: argparse.Namespace) -> int:
    from sopfsm.qa.simulate import simulate, write_csv, write_jsonl

    records = simulate(
        args.sops,
        calls=args.calls,
        seed=args.seed,
        deviations=args.deviations,
        corrections=args.corrections,
    )
    write = write_csv if args.format == "csv" else write_jsonl
    if args.out:
        with open(args.out, "w", encoding="utf-8", newline="") as out:
            write(records, out)
    else:
        write(records, sys.stdout)
    return ExitCode.OK


def _masked_summary(summary: Summary) -> Summary:
    """``summary`` with the recorded personal data its examples and skipped lines show
    masked, as the service masks it: every report (text, Markdown, HTML, JSON Lines)
    is made from it."""
    import attrs

    from sopfsm.service.personal import mask_answer, mask_text

    def deviation(shown: dict[str, Any]) -> dict[str, Any]:
        masked = {k: mask_text(v) if isinstance(v, str) else v for k, v in shown.items()}
        if isinstance(shown.get("question"), str) and "recorded" in shown:
            masked["recorded"] = mask_answer(shown["question"], shown["recorded"])
        return masked

    return attrs.evolve(
        summary,
        examples={
            code: attrs.evolve(example, deviation=deviation(example.deviation))
            for code, example in summary.examples.items()
        },
        unreadable_shown=[
            attrs.evolve(problem, reason=mask_text(problem.reason))
            for problem in summary.unreadable_shown
        ],
    )


def _masked(line: str) -> str:
    """A verdict line with each recorded personal answer masked, as the service masks it."""
    import json

    from sopfsm.qa.check import json_line
    from sopfsm.service.personal import mask_answer, mask_text

    def walk(item: Any) -> Any:
        if isinstance(item, list):
            return [walk(x) for x in item]
        if not isinstance(item, dict):
            return item
        shown = {key: walk(value) for key, value in item.items()}
        if isinstance(shown.get("question"), str) and "recorded" in shown:
            shown["recorded"] = mask_answer(shown["question"], shown["recorded"])
        if isinstance(shown.get("reason"), str):
            shown["reason"] = mask_text(shown["reason"])
        return shown

    return json_line(walk(json.loads(line)))
