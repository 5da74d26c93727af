"""Simulated recorded calls, for tests, demos and benchmarks: a known share deviates.

Each call is a random walk through a catalogue SOP's compiled tables, its answers spelled
as CSOs type them ("ya", "Tidak", "skema 2", "12.345"). Exactly ``round(calls * rate)``
calls, spread by selection sampling so the generator streams, carry one injected
deviation each; the codes take turns, so every code that the chosen SOPs allow appears.
What was injected is written in the ``_injected`` field, which the checker never reads.

With a ``corrections`` share, that many calls (or a few fewer: a call whose every answer
has a single accepted class has nothing to correct to; drawn apart, so the deviations of
a seed stay the same) also carry a correction: an answer first given with another value
and then corrected to the one the call keeps, labelled ``{"code": "corrected",
"question": ...}`` in ``_injected``. A correction is no deviation: the call is judged on
its effective answers, and the checker counts the correction by agent and question.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import random
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, TextIO

from sopfsm.answers import Choice, Value
from sopfsm.catalogue import get_sop, sop_ids
from sopfsm.compiled import CompiledSop, CompiledStep, compiled
from sopfsm.declare import OUTCOME_CODES
from sopfsm.errors import Rejected
from sopfsm.qa.read import CSV_DATA, CSV_FIXED
from sopfsm.qa.verdict import CODES
from sopfsm.questions import Question

INJECTED: Final = "_injected"
CORRECTED: Final = "corrected"
NOT_ALLOWED: Final = "ARAHKAN_KE_UNIT"  # "direct the customer to the unit": clause 4 forbids it
UNKNOWN_SOP: Final = "sop-tidak-ada"
UNKNOWN_VERSION: Final = "2019-01-01"
AGENTS: Final = 40
YEAR_START: Final = dt.datetime(2020, 4, 10, 7, 0, tzinfo=dt.UTC)
_INVALID_CANDIDATES: Final = ("3171010101900000", "-12,5", "mungkin", "1e400", "tiga")


def _spellings(question: Question) -> list[tuple[Value, list[str]]]:
    """Each class of accepted answers, as the texts a CSO types for it."""
    kind = question.kind
    classes: list[tuple[Value, list[str]]] = []
    if isinstance(kind, Choice):
        for option in kind.options:
            words = [option.label.id, option.label.en.lower(), *option.words]
            if not isinstance(option.value, bool):
                words.append(str(option.value))
            classes.append((option.value, words))
        return classes
    for answer_class in kind.classes():
        for sample in answer_class.samples:
            text = str(sample)
            try:
                same = kind.coerce(text) == sample
            except Rejected:
                same = False
            # A text that reads back as another value (12.345 is twelve thousand) is not used.
            classes.append((sample, [text] if same else []))
    return [(value, words) for value, words in classes if words]


def _invalid(question: Question) -> list[str]:
    refused = []
    for raw in _INVALID_CANDIDATES:
        try:
            question.kind.coerce(raw)
        except Rejected:
            refused.append(raw)
    return refused


class _Sop:
    """A compiled SOP with what the generator needs: spellings, and which steps can reach
    an outcome that carries data (to inject ``missing_data`` on a call that has some)."""

    def __init__(self, sop: CompiledSop) -> None:
        self.sop = sop
        self.spellings = {
            s.question.id: _spellings(s.question) for s in sop.steps if s.question is not None
        }
        self.invalid = {q.id: _invalid(q) for q in sop.spec.questions}
        carrying = {s.index for s in sop.steps if s.carries}
        changed = True
        while changed:  # backwards reachability; SOPs are small, a fixpoint is enough
            changed = False
            for step in sop.steps:
                targets = {t for ts in step.targets.values() for t in ts} | set(step.any_targets)
                if step.index not in carrying and targets & carrying:
                    carrying.add(step.index)
                    changed = True
        self.reaches_carry = carrying

    def walk(
        self, rng: random.Random, carrying: bool = False
    ) -> tuple[CompiledStep, list[tuple[str, str, Value]]]:
        """A random path: its final step and (question, typed text, value) answers."""
        step = self.sop.initial
        answers = []
        while step.outcome is None and step.question is not None:
            options = []
            for value, words in self.spellings[step.question.id]:
                targets = step.branch(value)
                if len(targets) == 1 and (not carrying or targets[0] in self.reaches_carry):
                    options.append((value, words, targets[0]))
            value, words, target = rng.choice(options)
            answers.append((step.question.id, rng.choice(words), value))
            step = self.sop.steps[target]
        return step, answers


def _injectable(code: str, sop: _Sop) -> bool:
    if code == "wrong_outcome":
        return len(sop.sop.outcomes) > 1
    if code == "missing_data":
        return sop.sop.initial.index in sop.reaches_carry
    if code in ("missing_answer", "invalid_answer"):
        return sop.sop.initial.question is not None  # a SOP that asks nothing has no answer
    return True


def simulate(
    sops: Sequence[str] = (),
    calls: int = 1000,
    seed: int = 0,
    deviations: float = 0.1,
    corrections: float = 0.0,
) -> Iterator[dict[str, Any]]:
    """``calls`` recorded calls on ``sops`` (default: every catalogue SOP), as dicts."""
    if not 0 <= deviations <= 1:
        raise ValueError(f"the deviation rate must be between 0 and 1, not {deviations}")
    if not 0 <= corrections <= 1:
        raise ValueError(f"the correction rate must be between 0 and 1, not {corrections}")
    correcting = random.Random(f"{seed}:corrections")
    wanted_corrections = round(calls * corrections)
    corrected = 0
    chosen = [_Sop(compiled(s)) for s in (sops or sop_ids())]
    for sop_id in sops:
        get_sop(sop_id)  # UnknownSop names the known ones
    all_questions = sorted({q.id for s in sop_ids() for q in get_sop(s).questions})
    codes = [c for c in CODES if any(_injectable(c, s) for s in chosen)]
    rng = random.Random(seed)
    wanted = round(calls * deviations)
    injected = 0
    weights = [1 / (i + 1) for i in range(AGENTS)]  # a few agents deviate much more
    for index in range(calls):
        deviate = rng.random() * (calls - index) < wanted - injected
        code = codes[injected % len(codes)] if deviate else None
        injected += deviate
        pool = [s for s in chosen if code is None or _injectable(code, s)]
        sop = rng.choice(pool)
        step, answers = sop.walk(rng, carrying=code == "missing_data")
        agent = rng.choices(range(AGENTS), weights)[0] if deviate else rng.randrange(AGENTS)
        at = YEAR_START + dt.timedelta(seconds=rng.randrange(365 * 86400))
        record: dict[str, Any] = {
            "call_id": f"C{index + 1:07d}",
            "sop": sop.sop.sop_id,
            "version": sop.sop.version,
            "agent": f"CSO-{agent + 1:03d}",
            "at": at.isoformat().replace("+00:00", "Z"),
            "answers": [{"question": q, "value": text} for q, text, _ in answers],
            "outcome": step.outcome,
            "data": {q: v for q, _, v in answers if q in step.carries},
        }
        if code is not None:
            label = _inject(code, record, sop=sop, step=step, all_questions=all_questions, rng=rng)
            record[INJECTED] = [label]
        if correcting.random() * (calls - index) < wanted_corrections - corrected:
            correction = _correction(record, sop, correcting)
            if correction is not None:  # else a later call takes the turn
                corrected += 1
                record.setdefault(INJECTED, []).append(correction)
        yield record


def _correction(record: dict[str, Any], sop: _Sop, rng: random.Random) -> dict[str, Any] | None:
    """Mark one answer of ``record`` as corrected: first given as another accepted value."""
    choices = [
        (answer, others)
        for answer in record["answers"]
        if answer["question"] in sop.spellings
        and (
            others := [
                w[0] for _, w in sop.spellings[answer["question"]] if answer["value"] not in w
            ]
        )
    ]
    if not choices:
        return None  # a call that answered nothing has nothing to correct
    answer, others = rng.choice(choices)
    record["corrections"] = [
        {"question": answer["question"], "value": answer["value"], "replaces": rng.choice(others)}
    ]
    return {"code": CORRECTED, "question": answer["question"]}


def _inject(
    code: str,
    record: dict[str, Any],
    *,
    sop: _Sop,
    step: CompiledStep,
    all_questions: Sequence[str],
    rng: random.Random,
) -> dict[str, Any]:
    label: dict[str, Any] = {"code": code}
    answers: list[dict[str, Any]] = record["answers"]
    if code == "wrong_outcome":
        record["outcome"] = rng.choice(sorted(sop.sop.outcomes - {str(step.outcome)}))
    elif code == "outcome_not_allowed":
        assert NOT_ALLOWED not in OUTCOME_CODES
        record["outcome"] = NOT_ALLOWED
    elif code == "missing_answer":
        label["question"] = answers.pop(rng.randrange(len(answers)))["question"]
    elif code == "extra_answer":
        asked = {a["question"] for a in answers}
        question = rng.choice([q for q in all_questions if q not in asked])
        answers.insert(rng.randrange(len(answers) + 1), {"question": question, "value": "ya"})
        label["question"] = question
    elif code == "invalid_answer":
        answer = rng.choice(answers)
        answer["value"] = rng.choice(sop.invalid[answer["question"]])
        label["question"] = answer["question"]
    elif code == "missing_data":
        question = rng.choice(sorted(record["data"]))
        del record["data"][question]
        label["question"] = question
    elif code == "unfinished":
        record["outcome"] = None
        del answers[len(answers) - rng.randrange(len(answers) + 1) :]
        record["data"] = {}
    elif code == "unknown_sop":
        record["sop"] = UNKNOWN_SOP
    elif code == "unknown_version":
        record["version"] = UNKNOWN_VERSION
    return label


def write_jsonl(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for record in records:
        out.write(json.dumps(record, ensure_ascii=False) + "\n")
        count += 1
    return count


def csv_columns() -> list[str]:
    questions = sorted({q.id for s in sop_ids() for q in get_sop(s).questions})
    return [*CSV_FIXED, *questions, CSV_DATA, INJECTED]


def write_csv(records: Iterable[dict[str, Any]], out: TextIO) -> int:
    columns = csv_columns()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    count = 0
    for record in records:
        row = {a["question"]: a["value"] for a in record["answers"]}
        row.update({k: record[k] or "" for k in CSV_FIXED})
        row[CSV_DATA] = json.dumps(record["data"], ensure_ascii=False)
        if INJECTED in record:
            row[INJECTED] = json.dumps(record[INJECTED], ensure_ascii=False)
        writer.writerow([row.get(c, "") for c in columns])
        count += 1
    return count
