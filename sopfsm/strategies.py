"""Hypothesis strategies for sopfsm: answers as people type them, valid and invalid, and
whole calls of a SOP. Importing this module imports Hypothesis; ``import sopfsm`` does not.

>>> from hypothesis import find
>>> from sopfsm import get_sop, strategies
>>> find(strategies.answer_plans(get_sop("lebih-tagih")), lambda plan: True)
{'accepts_explanation': True, 'meter_reading': 0}
"""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from sopfsm.answers import MAX_METER_READING, Choice, MeterReading, Nik
from sopfsm.errors import Rejected
from sopfsm.model import SopSpec
from sopfsm.nik import PROVINCE_CODES
from sopfsm.questions import NOT_KNOWN, NOT_KNOWN_WORDS, MeterReadingOrNotKnown, Question

__all__ = [
    "answer_plans",
    "hostile_values",
    "invalid_answers",
    "invalid_niks",
    "meter_readings",
    "niks",
    "sop_documents",
    "valid_answers",
]


def _respell(word: str) -> st.SearchStrategy[str]:
    """``word`` as a hurried CSO types it: any case, spaces around."""
    return st.tuples(
        st.sampled_from(["", " ", "  "]),
        st.sampled_from([word, word.upper(), word.capitalize(), word.lower()]),
        st.sampled_from(["", " ", "\t"]),
    ).map("".join)


def _choices(kind: Choice) -> st.SearchStrategy[object]:
    spellings: list[st.SearchStrategy[object]] = []
    for option in kind.options:
        words = (option.label.id, option.label.en, *option.words)
        spellings.append(st.just(option.value))
        spellings.extend(_respell(w) for w in words)
        if not isinstance(option.value, bool):
            spellings.append(_respell(str(option.value)))
    return st.one_of(spellings)


@st.composite
def niks(draw: st.DrawFn, separators: bool = True) -> str:
    """Valid NIKs: a real province, a real date of birth (women add 40), as people type
    them (grouped by spaces, dots or dashes) when ``separators``."""
    province = draw(st.sampled_from(sorted(PROVINCE_CODES)))
    regency = draw(st.integers(1, 99))
    district = draw(st.integers(1, 99))
    born = draw(st.dates(dt.date(1920, 1, 1), dt.date(2020, 4, 10)))
    day = born.day + (40 if draw(st.booleans()) else 0)
    serial = draw(st.integers(1, 9999))
    groups = [
        province,
        f"{regency:02d}",
        f"{district:02d}",
        f"{day:02d}{born:%m%y}",
        f"{serial:04d}",
    ]
    if not separators:
        return "".join(groups)
    separator = draw(st.sampled_from(["", " ", ".", "-"]))
    return separator.join(groups)


@st.composite
def invalid_niks(draw: st.DrawFn) -> str:
    """NIKs that break exactly one rule of the registry (length, province, regency,
    district, date of birth, serial)."""
    digits = draw(niks(separators=False))
    fault = draw(st.sampled_from(["length", "province", "regency", "district", "date", "serial"]))
    if fault == "length":
        size = draw(st.integers(0, 30).filter(lambda n: n != 16))
        return (digits * 2)[:size]
    if fault == "province":
        code = draw(
            st.integers(0, 99).map(lambda n: f"{n:02d}").filter(lambda c: c not in PROVINCE_CODES)
        )
        return code + digits[2:]
    if fault == "regency":
        return digits[:2] + "00" + digits[4:]
    if fault == "district":
        return digits[:4] + "00" + digits[6:]
    if fault == "serial":
        return digits[:12] + "0000"
    day, month = draw(
        st.sampled_from(
            [
                ("00", "01"),
                ("32", "01"),
                ("40", "05"),
                ("72", "03"),
                ("31", "04"),
                ("15", "13"),
                ("10", "00"),
            ]
        )
    )
    return digits[:6] + day + month + digits[10:]


def meter_readings() -> st.SearchStrategy[object]:
    """Valid readings: numbers, and text as Indonesians write it (12.345 and 12345,5)."""
    whole = st.integers(0, int(MAX_METER_READING))
    return st.one_of(
        whole,
        st.floats(0, MAX_METER_READING, allow_nan=False),
        whole.map(str),
        whole.map(lambda n: f"{n:,}".replace(",", ".")),
        st.integers(0, 999).map(lambda n: f"0.{n:03d}"),  # a leading 0 is no thousands group
        st.tuples(st.integers(0, 10**8 - 1), st.integers(0, 99)).map(lambda p: f"{p[0]},{p[1]}"),
    )


def hostile_values() -> st.SearchStrategy[object]:
    """What a hostile caller passes where sopfsm expects ids, answers or saves: None,
    400-digit numbers, NaN, -0.0, text with newlines and byte-order marks, bytes, and
    lists, tuples and dicts with keys of mixed types."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(),
        st.integers(min_value=10**300).map(lambda n: n**2),
        st.floats(),
        st.text(),
        st.text(alphabet="\n\r\ufeff\u2028\x00\t .,-0123456789ay"),
        st.binary(max_size=20),
        st.sampled_from(["lebih-tagih", "nik", "meter_reading", "\ufeffya", "ya\n", "-0"]),
    )
    return st.recursive(
        scalars,
        lambda inner: st.one_of(
            st.lists(inner, max_size=3),
            st.lists(inner, max_size=3).map(tuple),
            st.dictionaries(st.one_of(st.text(max_size=8), st.integers()), inner, max_size=3),
        ),
        max_leaves=6,
    )


def valid_answers(question: Question) -> st.SearchStrategy[object]:
    """Raw answers ``question`` accepts, spelled the many ways it accepts them."""
    kind = question.kind
    if isinstance(kind, Choice):
        return _choices(kind)
    if isinstance(kind, Nik):
        return niks()
    if isinstance(kind, MeterReadingOrNotKnown):
        # "tidak tahu" as CSOs type it: the catalogue's stand APP takes it (READING.md, 5B).
        not_known = st.sampled_from([NOT_KNOWN, *NOT_KNOWN_WORDS]).flatmap(_respell)
        return st.one_of(meter_readings(), not_known)
    if isinstance(kind, MeterReading):
        return meter_readings()
    raise TypeError(f"no strategy for the answers of {question.id!r}")


def invalid_answers(question: Question) -> st.SearchStrategy[object]:
    """Raw answers ``question`` refuses: arbitrary text and values, and near misses."""
    near_misses: list[st.SearchStrategy[object]] = [
        st.text(),
        st.none(),
        st.integers(),
        st.floats(),
        st.lists(st.integers(), max_size=2),
        st.sampled_from(["", " ", "maybe", "mungkin", "-1", "NaN", "inf", "1e400", "ya tidak"]),
    ]
    if isinstance(question.kind, Nik):
        near_misses.append(invalid_niks())
    if isinstance(question.kind, MeterReading):
        near_misses.append(
            st.floats(max_value=-0.001)
            | st.sampled_from([float("nan"), "1,2,3", -0.0, "-0", "0.000.001", "01.000.000"])
            | st.integers(min_value=10**9).map(lambda n: n**40)  # past a float, too
        )
    return st.one_of(near_misses).filter(lambda raw: _refused(question, raw))


def _refused(question: Question, raw: object) -> bool:
    try:
        question.kind.coerce(raw)
    except Rejected:
        return True
    return False


def answer_plans(sop: SopSpec) -> st.SearchStrategy[dict[str, object]]:
    """A whole call of ``sop``: a valid raw answer for each of its questions."""
    return st.fixed_dictionaries({q.id: valid_answers(q) for q in sop.questions})


@st.composite
def sop_documents(draw: st.DrawFn, max_questions: int = 5) -> dict[str, object]:
    """Whole, valid SOP files (as the plain data a YAML SOP file holds): a few question
    steps of any question type, catalogue or the file's own, whose answers lead on to
    later steps or to outcomes, every step reachable, every answer covered exactly once,
    citing the bundled document or clauses and assumptions the file declares itself."""
    from sopfsm.assumptions import ASSUMPTIONS
    from sopfsm.clauses import CLAUSES, SOURCE_DOCUMENT

    own = draw(st.booleans())
    words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz ÀÉ'\"&<>:#-", min_size=1, max_size=30)
    words = words.filter(lambda w: w.strip() == w)
    document: dict[str, object] = {
        "sopfsm": 1,
        "id": draw(st.from_regex(r"[a-z]{1,8}(-[a-z0-9]{1,5}){0,2}", fullmatch=True)),
    }
    if own:
        clauses = draw(st.lists(st.sampled_from(["1", "2", "2a", "3.1"]), min_size=1, unique=True))
        assumptions = draw(st.lists(st.sampled_from(["late-call", "no-answer"]), unique=True))
        cites = clauses + [f"A:{name}" for name in assumptions]
        document["clauses"] = {ref: _text(draw, words) for ref in clauses}
        if assumptions:
            document["assumptions"] = {
                name: {
                    "where": clauses[0],
                    "silent_on": draw(words),
                    "decision": _text(draw, words),
                }
                for name in assumptions
            }
    else:
        cites = list(CLAUSES) + [f"A:{name}" for name in ASSUMPTIONS]
    identity = {
        "clause": cites[0],
        "title": _text(draw, words),
        "version": "2026-11-29" if own else "2020-04-10",
        "source": "SOP-OTHER-2026.txt" if own else SOURCE_DOCUMENT,
    }
    steps = _sop_steps(draw, max_questions, st.sampled_from(cites), words)
    return {**document, **identity, "steps": steps}


def _text(draw: st.DrawFn, words: st.SearchStrategy[str]) -> dict[str, str]:
    return {"id": draw(words), "en": draw(words)}


def _scripts(
    draw: st.DrawFn, per: st.SearchStrategy[str], words: st.SearchStrategy[str]
) -> list[dict[str, object]]:
    kinds = st.sampled_from(["said", "done", "note"])
    return [
        {"kind": draw(kinds), "per": draw(per), "id": draw(words), "en": draw(words)}
        for _ in range(draw(st.integers(0, 2)))
    ]


def _sop_steps(
    draw: st.DrawFn,
    max_questions: int,
    per: st.SearchStrategy[str],
    words: st.SearchStrategy[str],
) -> list[dict[str, object]]:
    from sopfsm.answers import Choice
    from sopfsm.declare import OUTCOME_CODES
    from sopfsm.formats.kinds import (
        ANY_ANSWER,
        CATALOGUE_QUESTIONS,
        QUESTION_TYPES,
        partition_words,
    )

    count = draw(st.integers(1, max_questions))
    asks: list[object] = []
    classes: list[list[object]] = []  # per question: the answers its branches must cover
    choices: list[bool] = []  # whether several of them may share a branch
    for index in range(count):
        if draw(st.booleans()):
            question_id = draw(st.sampled_from(sorted(CATALOGUE_QUESTIONS)))
            asks.append(question_id)
            kind = CATALOGUE_QUESTIONS[question_id].kind
        else:
            type_name = draw(st.sampled_from(sorted(QUESTION_TYPES)))
            prompt = _text(draw, words)
            asks.append({"id": f"own_question_{index}", "type": type_name, "prompt": prompt})
            kind = QUESTION_TYPES[type_name]
        classes.append(list(partition_words(kind)))
        choices.append(isinstance(kind, Choice))
    # Each question after the first takes one open answer of an earlier question, so
    # every step is reachable; the answers left go to later questions or to outcomes.
    targets: dict[tuple[int, int], str] = {}
    open_answers = [(0, a) for a in range(len(classes[0]))]
    for index in range(1, count):
        slot = draw(st.sampled_from(open_answers))
        open_answers.remove(slot)
        targets[slot] = f"q{index}"
        open_answers += [(index, a) for a in range(len(classes[index]))]
    outcomes = draw(st.integers(1, len(open_answers)))
    for position, slot in enumerate(open_answers):
        later = [f"q{i}" for i in range(slot[0] + 1, count)]
        anywhere = [f"o{i}" for i in range(outcomes)] + later
        targets[slot] = f"o{position}" if position < outcomes else draw(st.sampled_from(anywhere))
    steps: list[dict[str, object]] = []
    for index in range(count):
        by_target: dict[str, list[object]] = {}
        for answer, word in enumerate(classes[index]):
            by_target.setdefault(targets[(index, answer)], []).append(word)
        branches = []
        for target, answers in by_target.items():
            if not choices[index]:  # "any" and "not_at_hand" are never written together
                branches += [{"answer": a, "to": target, "per": draw(per)} for a in answers]
                continue
            whole = len(answers) == len(classes[index]) and draw(st.booleans())
            shown = ANY_ANSWER if whole else answers[0] if len(answers) == 1 else answers
            branches.append({"answer": shown, "to": target, "per": draw(per)})
        step: dict[str, object] = {"id": f"q{index}", "per": draw(per)}
        steps.append({**step, "ask": asks[index], "branches": branches})
    for index in range(outcomes):
        step = {"id": f"o{index}", "per": draw(per)}
        steps.append({**step, "outcome": draw(st.sampled_from(OUTCOME_CODES))})
    for step in steps:
        if said := _scripts(draw, per, words):
            step["say"] = said
    return steps
