"""The ``sopfsm`` command: list, show, run, audit, render and booklet.

Exit codes: 0 done; 1 an audit check failed; 2 bad input (an unknown SOP or question, a
refused answer, a bad option), with one line on stderr; 3 a guided call still needs an
answer (the JSON names it).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn, TextIO

from sopfsm._text import LANGS, Lang
from sopfsm.call import Call, start
from sopfsm.catalogue import all_sops, get_sop
from sopfsm.errors import InvalidAnswer, SopfsmError, UnknownQuestion
from sopfsm.present import call_dict, sop_dict, sop_summary, sop_text

EXIT_OK = 0
EXIT_AUDIT_FAILED = 1
EXIT_BAD_INPUT = 2
EXIT_ANSWER_NEEDED = 3


class UsageError(SopfsmError):
    """A command line that names no SOP, repeats an answer, or is malformed."""


class _Parser(argparse.ArgumentParser):
    """argparse, but a usage mistake is one line on stderr like every other error."""

    def error(self, message: str) -> NoReturn:
        self.exit(EXIT_BAD_INPUT, f"{self.prog}: error: {message} (see sopfsm --help)\n")


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
    return EXIT_BAD_INPUT


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="sopfsm",
        description="PLN 123 SOPs as finite-state machines: guided calls, audits, flowcharts.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    listing = commands.add_parser("list", help="the bundled SOPs")
    _lang_option(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="a SOP's steps, questions, outcomes and clauses")
    show.add_argument("sop", metavar="SOP")
    _lang_option(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)

    run = commands.add_parser("run", help="a guided call, interactive or with --answer")
    run.add_argument("sop", metavar="SOP")
    run.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=VALUE",
        help="answer a question when it comes up (repeatable, any order)",
    )
    run.add_argument("--json", action="store_true", help="print the call as one JSON object")
    _lang_option(run)
    run.set_defaults(handler=_run)

    from sopfsm.cli_tools import add_tool_commands  # keeps this module short

    add_tool_commands(commands, _lang_option)
    return parser


def _lang_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lang", choices=LANGS, default="id", help="language of the call (default: id)"
    )


def _print_json(data: Any, out: TextIO) -> None:
    out.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")


def _list(args: argparse.Namespace) -> int:
    sops = [sop_summary(sop, args.lang) for sop in all_sops()]
    if args.json:
        _print_json(sops, sys.stdout)
    else:
        for sop in sops:
            print(f"{sop['id']:<16} {sop['clause']:<3} {sop['title']}")
            print(f"{'':<20} questions: {', '.join(sop['questions'])}")
    return EXIT_OK


def _show(args: argparse.Namespace) -> int:
    sop = get_sop(args.sop)
    if args.json:
        _print_json(sop_dict(sop, args.lang), sys.stdout)
    else:
        print(sop_text(sop, args.lang))
    return EXIT_OK


def _run(args: argparse.Namespace) -> int:
    sop = get_sop(args.sop)
    if not args.answer and not args.json:
        return _interactive(start(sop), args.lang, sys.stdin, sys.stdout)
    given = _parse_answers(args.answer)
    known = [q.id for q in sop.questions]
    for question_id, value in given.items():
        question = sop.question(question_id)
        if question is None:
            raise UnknownQuestion(sop.sop_id, question_id, known)
        question.coerce(value)  # a bad value is refused even where the call stops before it
    call = start(sop)
    used: set[str] = set()
    while (pending := call.pending) is not None and pending.id in given:
        call.answer(pending.id, given[pending.id])
        used.add(pending.id)
    unused = [q for q in given if q not in used]
    if call.done and unused:
        raise UsageError(
            f"this call never asks {', '.join(map(repr, unused))}: its path was "
            f"{' -> '.join(call.path)} ({call.outcome.code if call.outcome else ''})"
        )
    if args.json:
        _print_json(call_dict(call, args.lang), sys.stdout)
    else:
        _print_call(call, args.lang, sys.stdout)
    return EXIT_OK if call.done else EXIT_ANSWER_NEEDED


def _parse_answers(pairs: Sequence[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        question_id, sep, value = pair.partition("=")
        question_id = question_id.strip()
        if not sep or not question_id:
            raise UsageError(f"--answer takes QUESTION=VALUE, not {pair!r}")
        if question_id in given:
            raise UsageError(f"question {question_id!r} is answered twice")
        given[question_id] = value
    return given


def _print_call(call: Call, lang: Lang, out: TextIO) -> None:
    data = call_dict(call, lang)
    for script in data["scripts"]:
        out.write(f"[{script['step']}] {script['text']}  ({script['per']})\n")
    if data["outcome"]:
        out.write(f"=> {data['outcome']['code']}\n")
    else:
        out.write(f"? {data['pending']}: {data['prompt']} [{data['accepted']}]\n")


_WORDS = {
    "id": {"say": "Sampaikan", "ask": "Tanyakan", "answer": "Jawaban", "end": "Hasil"},
    "en": {"say": "Say", "ask": "Ask", "answer": "Answer", "end": "Outcome"},
}


def _interactive(call: Call, lang: Lang, stdin: TextIO, out: TextIO) -> int:
    words = _WORDS[lang]
    shown = 0
    while True:
        for step_id in call.path[shown:]:
            for script in call.sop.step(step_id).says:
                out.write(f"{words['say']}: {script.text.in_(lang)}  ({script.per.label})\n")
        shown = len(call.path)
        question = call.pending
        if question is None:
            outcome = call.outcome
            assert outcome is not None
            out.write(f"{words['end']}: {outcome.code}\n")
            return EXIT_OK
        out.write(f"{words['ask']}: {question.prompt.in_(lang)}\n")
        out.write(f"  [{question.accepted.in_(lang)}]\n{words['answer']}> ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n")
            return EXIT_ANSWER_NEEDED
        try:
            call.answer(question.id, line.rstrip("\n"))
        except InvalidAnswer as error:
            out.write(f"! {error.message(lang)}\n")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
