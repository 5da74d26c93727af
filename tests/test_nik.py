"""A NIK is checked by the civil registry's rules, each refusal naming the wrong part in
both languages. Its two-digit year is 19YY or 20YY: its date of birth is valid when either century
makes it a real day that is not after today (docs/answers.md)."""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm.errors import NikError
from sopfsm.nik import normalise_nik, today
from sopfsm.questions import NIK

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


VALID_NIKS = [
    # (typed, digits, who)
    ("3171010101900001", "3171010101900001", "man, Jakarta, 1 Jan 1990"),
    ("3171014101900001", "3171014101900001", "woman, Jakarta, 1 Jan 1990 (day 01 + 40)"),
    ("5171026902000002", "5171026902000002", "woman, Bali, 29 Feb 2000 (leap year)"),
    ("3273 0131 1285 0007", "3273013112850007", "man, Bandung, 31 Dec 1985, typed in groups"),
    ("35.78.02.710375.0123", "3578027103750123", "woman, Surabaya, 31 Mar 1975, with dots"),
    ("94-01-01-150599-9999", "9401011505999999", "man, Papua Tengah (2022 province), dashes"),
    (" 1101010101010001 ", "1101010101010001", "man, Aceh, 1 Jan 2001, spaces around"),
]


INVALID_NIKS = [
    # (typed, words of the English reason, words of the Indonesian reason)
    ("", "the NIK is empty", "NIK kosong"),
    ("317101010190000", "a NIK has 16 digits, not 15", "NIK harus 16 digit, bukan 15"),
    ("31710101019000011", "not 17", "bukan 17"),
    ("3171O10101900001", "digits only", "hanya boleh berisi angka"),
    ("０３１７１０１０１０１９００００１", "digits only", "hanya boleh berisi angka"),
    ("2071010101900001", "province code 20 (digits 1-2) does not exist", "kode provinsi 20"),
    ("0071010101900001", "province code 00", "kode provinsi 00"),
    ("3100010101900001", "regency/city code (digits 3-4) cannot be 00", "kabupaten/kota"),
    ("3171000101900001", "district code (digits 5-6) cannot be 00", "kecamatan"),
    ("3171010001900001", "date-of-birth part 000190 (digits 7-12) is not a valid date (day 00)",
     "bukan tanggal yang sah"),
    ("3171013201900001", "is not a valid date (day 32)", "tanggal 32"),
    ("3171014001900001", "is not a valid date (day 40)", "tanggal 40"),
    ("3171017201900001", "is not a valid date (day 72)", "tanggal 72"),
    ("3171013104900001", "is not a valid date (day 31)", "tanggal 31"),
    ("3171012902010001", "is not a valid date (day 29)", "tanggal 29"),
    ("3171016902010001", "is not a valid date (day 69)", "tanggal 69"),
    ("3171010113900001", "is not a valid date (month 13)", "bulan 13"),
    ("3171010100900001", "is not a valid date (month 00)", "bulan 00"),
    ("3171010101900000", "serial number (digits 13-16) cannot be 0000", "nomor urut"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "digits", "who"), VALID_NIKS, ids=[w for *_, w in VALID_NIKS])
def test_valid_niks_of_men_and_women_are_accepted(typed: str, digits: str, who: str) -> None:  # noqa: ARG001  # `who` names the case
    assert NIK.coerce(typed) == digits


@pytest.mark.parametrize(("typed", "en", "id_"), INVALID_NIKS, ids=[e for _, e, _ in INVALID_NIKS])
def test_each_invalid_nik_names_the_wrong_part_in_both_languages(
    typed: str, en: str, id_: str
) -> None:
    with pytest.raises(sopfsm.InvalidAnswer) as caught:
        NIK.coerce(typed)
    assert caught.value.question_id == "nik"
    assert en in caught.value.message("en")
    assert id_ in caught.value.message("id")
    assert "16" in caught.value.accepted.id


@pytest.mark.parametrize("value", [3171010101900001, None, 31.7, True])
def test_a_nik_must_be_text_so_leading_digits_are_never_lost(value: object) -> None:
    with pytest.raises(sopfsm.InvalidAnswer, match="a NIK must be given as text"):
        NIK.coerce(value)
