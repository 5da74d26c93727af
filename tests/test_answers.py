"""Every answer checked: meter readings as Indonesians
write them, yes/no words and choices, each refusal naming what is wrong in both languages."""

from __future__ import annotations

import math

import pytest

import sopfsm
from sopfsm.answers import MAX_METER_READING
from sopfsm.questions import METER_READING, REGION_SCHEME, TARGET_TARIFF, URGENT

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
