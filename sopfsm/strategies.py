"""Hypothesis strategies for sopfsm: answers as people type them, valid and invalid, and
whole calls of a SOP. Importing this module imports Hypothesis; ``import sopfsm`` does not.

>>> from hypothesis import find
>>> from sopfsm import get_sop, strategies
>>> find(strategies.answer_plans(get_sop("lebih-tagih")), lambda plan: True)
{'accepts_explanation': True, 'meter_reading': 0}
"""

from __future__ import annotations

import datetime as dt
import functools

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


# Built once per question or SOP: Hypothesis validates a strategy the first time it draws
# from it, and for the front door's fifteen questions building and validating them anew for
# every example cost more than the call under test (docs/testing.md).
@functools.cache
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


@functools.cache
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


@functools.cache
def answer_plans(sop: SopSpec) -> st.SearchStrategy[dict[str, object]]:
    """A whole call of ``sop``: a valid raw answer for each of its questions."""
    return st.fixed_dictionaries({q.id: valid_answers(q) for q in sop.questions})
