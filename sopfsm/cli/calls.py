"""``sopfsm list``, ``show`` and ``run``: the catalogue and guided calls."""

from __future__ import annotations

import argparse
import io
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from sopfsm.call import Call, start, start_answered
from sopfsm.catalogue import FRONT_DOOR, all_sops
from sopfsm.cli._common import lang_option, print_json
from sopfsm.cli.exit import ExitCode
from sopfsm.declare import KIND_WORDS
from sopfsm.errors import InvalidAnswer, UsageError, shown
from sopfsm.formats.load import sop_from_argument
from sopfsm.text import Lang
from sopfsm.views import call_dict, sop_dict, sop_summary, sop_text


def add_commands(commands: Any) -> None:
    listing = commands.add_parser("list", help="the bundled SOPs")
    lang_option(listing)
    listing.add_argument("--json", action="store_true", help="print JSON")
    listing.set_defaults(handler=_list)

    show = commands.add_parser("show", help="a SOP's steps, questions, outcomes and clauses")
    show.add_argument("sop", metavar="SOP")
    lang_option(show)
    show.add_argument("--json", action="store_true", help="print JSON")
    show.set_defaults(handler=_show)

    run = commands.add_parser("run", help="a guided call, interactive or with --answer")
    run.add_argument(
        "sop",
        metavar="SOP",
        nargs="?",
        default=FRONT_DOOR,
        help=f"the SOP (default: {FRONT_DOOR}, the front door, which asks the matter first)",
    )
    run.add_argument(
        "--answer",
        action="append",
        default=[],
        metavar="QUESTION=VALUE",
        help="answer a question when it comes up (repeatable, any order)",
    )
    run.add_argument("--json", action="store_true", help="print the call as one JSON object")
    lang_option(run)
    run.set_defaults(handler=_run)


def _list(args: argparse.Namespace) -> int:
    sops = [sop_summary(sop, args.lang) for sop in all_sops()]
    if args.json:
        print_json(sops, sys.stdout)
    else:
        for sop in sops:
            print(f"{sop['id']:<16} {sop['clause']:<3} {sop['title']}")
            print(f"{'':<20} questions: {', '.join(sop['questions'])}")
    return ExitCode.OK


def _show(args: argparse.Namespace) -> int:
    sop = sop_from_argument(args.sop)
    if args.json:
        print_json(sop_dict(sop, args.lang), sys.stdout)
    else:
        print(sop_text(sop, args.lang))
    return ExitCode.OK


def _run(args: argparse.Namespace) -> int:
    sop = sop_from_argument(args.sop)
    if not args.answer and not args.json:
        if sys.stdin is None:  # started with stdin closed (<&-): no one can answer
            raise UsageError("standard input is closed; give the answers with --answer")
        if isinstance(sys.stdin, io.TextIOWrapper):
            # A line that is not UTF-8 is a wrong answer like any other, refused and re-asked.
            sys.stdin.reconfigure(errors="replace")
        return _interactive(start(sop), args.lang, sys.stdin, sys.stdout)
    given = _parse_answers(args.answer)
    call, unused = start_answered(sop, given)
    if call.done and unused:
        raise UsageError(
            f"this call never asks {', '.join(map(shown, unused))}: its path was "
            f"{' -> '.join(call.path)} ({call.outcome.code if call.outcome else ''})"
        )
    if args.json:
        print_json(call_dict(call, args.lang), sys.stdout)
    else:
        _print_call(call, args.lang, sys.stdout)
    return ExitCode.OK if call.done else ExitCode.ANSWER_NEEDED


def _parse_answers(pairs: Sequence[str]) -> dict[str, str]:
    given: dict[str, str] = {}
    for pair in pairs:
        question_id, sep, value = pair.partition("=")
        question_id = question_id.strip()
        if not sep or not question_id:
            raise UsageError(f"--answer takes QUESTION=VALUE, not {shown(pair)}")
        if question_id in given:
            raise UsageError(f"question {shown(question_id)} is answered twice")
        given[question_id] = value
    return given


def _print_call(call: Call, lang: Lang, out: TextIO) -> None:
    data = call_dict(call, lang)
    for script in data["scripts"]:
        word = KIND_WORDS[script["kind"]].in_(lang)
        out.write(f"[{script['step']}] {word}: {script['text']}  ({script['per']})\n")
    if data["outcome"]:
        out.write(f"=> {data['outcome']['code']}\n")
    else:
        out.write(f"? {data['pending']}: {data['prompt']} [{data['accepted']}]\n")


_WORDS = {
    "id": {
        "ask": "Tanyakan",
        "answer": "Jawaban",
        "end": "Hasil",
        "back": "ketik < atau kembali untuk kembali satu pertanyaan",
        "first": "ini pertanyaan pertama; tidak ada yang sebelumnya",
        "again": "Ditanyakan ulang",
        "reason": "dikoreksi di sopfsm run (kembali)",
    },
    "en": {
        "ask": "Ask",
        "answer": "Answer",
        "end": "Outcome",
        "back": "type < or back to go back one question",
        "first": "this is the first question; there is none before it",
        "again": "Asked again",
        "reason": "corrected in sopfsm run (back)",
    },
}
BACK = frozenset({"<", "kembali", "back"})
"""What a CSO types to go back one question; the answer typed then corrects it."""


def _print_new_scripts(
    call: Call, printed: tuple[str, ...], lang: Lang, out: TextIO
) -> tuple[str, ...]:
    """The scripts of the steps not printed yet; after a correction, of the new path from
    where it leaves the one printed."""
    path = call.path
    same = next((i for i, (a, b) in enumerate(zip(printed, path, strict=False)) if a != b), None)
    for step_id in path[min(len(printed), len(path)) if same is None else same :]:
        for script in call.sop.step(step_id).says:
            word = KIND_WORDS[script.kind].in_(lang)
            out.write(f"{word}: {script.text.in_(lang)}  ({script.per.label})\n")
    return path


def _interactive(call: Call, lang: Lang, stdin: TextIO, out: TextIO) -> int:
    words = _WORDS[lang]
    printed: tuple[str, ...] = ()
    back = 0  # how many answers back the CSO has gone: that answer's question is asked
    while True:
        printed = _print_new_scripts(call, printed, lang, out)
        question = call.sop.question(call.answers[-back].question) if back else call.pending
        if question is None:
            outcome = call.outcome
            assert outcome is not None
            out.write(f"{words['end']}: {outcome.code}\n")
            return ExitCode.OK
        ask = words["again"] if back else words["ask"]
        out.write(f"{ask}: {question.prompt.in_(lang)}\n")
        out.write(f"  [{question.accepted.in_(lang)}]  ({words['back']})\n{words['answer']}> ")
        out.flush()
        line = stdin.readline()
        if not line:
            out.write("\n")
            return ExitCode.ANSWER_NEEDED
        typed = line.rstrip("\n")
        if typed.strip().casefold() in BACK:
            if back < len(call.answers):
                back += 1
            else:
                out.write(f"! {words['first']}\n")
            continue
        try:
            if back:
                call.correct(question.id, typed, reason=words["reason"])
                back = 0
            else:
                call.answer(question.id, typed)
        except InvalidAnswer as error:
            out.write(f"! {error.message(lang)}\n")
