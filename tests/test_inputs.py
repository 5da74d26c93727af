"""Every input checked: NIKs by the civil registry's rules, meter readings as Indonesians
write them, yes/no words and choices, each refusal naming what is wrong in both languages."""

from __future__ import annotations

import math

import pytest

import sopfsm
from sopfsm.answers import MAX_METER_READING
from sopfsm.questions import METER_READING, NIK, REGION_SCHEME, TARGET_TARIFF, URGENT

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


READINGS = [
    ("12345", 12345.0), ("12.345", 12345.0), ("12345,5", 12345.5), ("12.345,5", 12345.5),
    ("1.234.567", 1234567.0), ("0", 0.0), ("12345.5", 12345.5), (" 987 kWh", 987.0),
    (12345, 12345.0), (12.5, 12.5), (0, 0.0), ("999.999.999", MAX_METER_READING),
]  # fmt: skip

BAD_READINGS = [
    ("-1", "cannot be negative"), (-0.5, "cannot be negative"), ("", "empty"),
    ("   ", "empty"), ("abc", "not a number"), ("12,3,4", "not a number"),
    ("1.23.4", "not a number"), (math.nan, "not a finite number"),
    (math.inf, "not a finite number"), ("NaN", "not a number"), ("inf", "not a number"),
    ("1e5", "not a number"), ("1000000000", "too large"), (1e12, "too large"),
    ("9" * 25, "too long"), (True, "not a number"), (None, "not a number"),
    ("١٢٣", "not a number"),
]  # fmt: skip


@pytest.mark.parametrize(("typed", "value"), READINGS)
def test_meter_readings_as_indonesians_type_them(typed: object, value: float) -> None:
    assert METER_READING.coerce(typed) == value


@pytest.mark.parametrize(("typed", "reason"), BAD_READINGS)
def test_bad_meter_readings_are_refused_with_the_reason(typed: object, reason: str) -> None:
    with pytest.raises(sopfsm.InvalidAnswer) as caught:
        METER_READING.coerce(typed)
    assert reason in caught.value.message("en")
    assert "12.345" in caught.value.message("id")  # the accepted forms, by example


@pytest.mark.parametrize(
    ("question", "typed", "value"),
    [
        (URGENT, "  YA ", True), (URGENT, "Iya", True), (URGENT, "TIDAK", False),
        (URGENT, "tdk", False), (REGION_SCHEME, "Skema 2", 2), (REGION_SCHEME, " 2 ", 2),
        (TARGET_TARIFF, "NON SUBSIDI", "non_subsidized"),
        (TARGET_TARIFF, "non_subsidized", "non_subsidized"),
        (TARGET_TARIFF, "Subsidised", "subsidized"),
    ],
)  # fmt: skip
def test_case_and_spacing_are_forgiven(
    question: sopfsm.Question, typed: str, value: object
) -> None:
    assert question.coerce(typed) == value


@pytest.mark.parametrize(
    ("question", "typed"),
    [(URGENT, "maybe"), (URGENT, 1), (URGENT, "yess"), (REGION_SCHEME, 0), (REGION_SCHEME, "3"),
     (TARGET_TARIFF, "gratis"), (TARGET_TARIFF, None)],
)  # fmt: skip
def test_anything_else_is_refused_with_the_accepted_values(
    question: sopfsm.Question, typed: object
) -> None:
    with pytest.raises(sopfsm.InvalidAnswer) as caught:
        question.coerce(typed)
    for option in question.kind.classes():  # each accepted value is named
        assert option.label in caught.value.message("en").lower() or option.label in str(
            caught.value.accepted.en
        )
