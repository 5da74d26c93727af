"""A NIK's two-digit year is 19YY or 20YY: its date of birth is valid when either century
makes it a real day that is not after today (docs/answers.md)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sopfsm.errors import NikError
from sopfsm.nik import normalise_nik, today

TODAY = dt.date(2026, 11, 29)


def _nik(day: int, month: int, yy: int) -> str:
    return f"317101{day:02d}{month:02d}{yy:02d}0001"


def _accepted(nik: str, on: dt.date = TODAY) -> bool:
    try:
        normalise_nik(nik, on)
    except NikError:
        return False
    return True


def _rule(day: int, month: int, yy: int, on: dt.date) -> bool:
    """The rule of docs/answers.md, written from the calendar rather than from sopfsm.nik."""
    return any(
        1 <= day <= calendar.monthrange(year, month)[1] and dt.date(year, month, day) <= on
        for year in (1900 + yy, 2000 + yy)
    )


@given(
    day=st.integers(1, 31),
    month=st.integers(1, 12),
    yy=st.integers(0, 99),
    woman=st.booleans(),
    on=st.dates(dt.date(1990, 1, 1), dt.date(2099, 12, 31)),
)
def test_a_date_of_birth_is_valid_exactly_when_some_century_makes_it_a_past_day(
    day: int, month: int, yy: int, woman: bool, on: dt.date
) -> None:
    nik = _nik(day + (40 if woman else 0), month, yy)
    assert _accepted(nik, on) == _rule(day, month, yy, on)


@pytest.mark.parametrize(
    ("yy", "accepted"),
    [
        (0, True),  # 1900 was no leap year, 2000 was
        (4, True),
        (24, True),
        (96, True),
        (1, False),
        (23, False),
        (99, False),
        (98, False),
    ],
)
def test_29_february_is_valid_where_either_century_is_a_leap_year(yy: int, accepted: bool) -> None:
    assert _accepted(_nik(29, 2, yy)) is accepted
    assert _accepted(_nik(69, 2, yy)) is accepted  # a woman's: day + 40


def test_29_february_00_is_2000_so_it_is_refused_before_that_day_came() -> None:
    assert not _accepted(_nik(29, 2, 0), dt.date(2000, 2, 28))
    assert _accepted(_nik(29, 2, 0), dt.date(2000, 2, 29))


def test_a_birth_today_is_accepted_and_one_tomorrow_only_through_the_last_century() -> None:
    on = dt.date(2026, 11, 29)
    assert _accepted(_nik(29, 11, 26), on)
    # 30 November 26 is tomorrow in 2026, but 1926 makes it a past day: accepted.
    assert _accepted(_nik(30, 11, 26), on)
    # 29 February 00 before 2000: 1900 had no such day and 2000 has not come.
    with pytest.raises(NikError, match="after today"):
        normalise_nik(_nik(29, 2, 0), dt.date(1999, 12, 31))


def test_today_is_the_date_in_eastern_indonesia() -> None:
    wit = dt.timezone(dt.timedelta(hours=9))
    before = dt.datetime.now(wit).date()
    found = today()
    after = dt.datetime.now(wit).date()
    assert found in {before, after}  # either side of a midnight that passed in between
