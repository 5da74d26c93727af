"""One rule wherever an input comes in: meter readings with dots, the sign of zero, a
byte-order mark in text or bytes. (``render --out ''`` and ``audit mod:attr`` naming a
string are in cli/test_exit.py, with the other command lines.)"""

from __future__ import annotations

import contextlib
import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm import InvalidAnswer
from sopfsm.answers import MAX_METER_READING, MeterReading
from sopfsm.cli import main
from tests.support.saves import saved_calls

READING = MeterReading()


def _reading(raw: object) -> float | None:
    try:
        value = READING.coerce(raw)
    except Exception:  # Rejected: a refused reading
        return None
    assert isinstance(value, float)
    return value


@given(whole=st.integers(1000, int(MAX_METER_READING)))
def test_dots_group_thousands_when_the_first_group_has_no_leading_zero(whole: int) -> None:
    assert _reading(f"{whole:,}".replace(",", ".")) == whole


@given(thousandths=st.integers(0, 999), zeros=st.integers(1, 3))
def test_a_leading_zero_group_is_a_decimal_point_not_thousands(
    thousandths: int, zeros: int
) -> None:
    assert _reading(f"{'0' * zeros}.{thousandths:03d}") == thousandths / 1000


@given(groups=st.lists(st.integers(0, 999), min_size=2, max_size=3), lead=st.integers(0, 99))
def test_several_dot_groups_after_a_leading_zero_are_refused(groups: list[int], lead: int) -> None:
    text = (
        f"0{lead}." + ".".join(f"{g:03d}" for g in groups)
        if lead
        else "0." + ".".join(f"{g:03d}" for g in groups)
    )
    assert _reading(text) is None
    assert _reading(text + ",5") is None


def test_a_dot_is_a_decimal_point_or_groups_thousands_by_where_the_zeros_are() -> None:
    assert _reading("0.500") == 0.5
    assert _reading("0.000.001") is None
    assert _reading("12.345") == 12345.0


@given(magnitude=st.floats(0, MAX_METER_READING) | st.integers(0, int(MAX_METER_READING)))
def test_a_minus_sign_is_refused_from_the_api_and_the_cli_alike_even_on_zero(
    magnitude: float,
) -> None:
    negative = -float(magnitude)  # an int has no -0; the float does, and is refused
    api_refused = _reading(negative) is None
    text_refused = _reading(f"-{magnitude}") is None
    assert api_refused and text_refused
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "t")
    with pytest.raises(InvalidAnswer, match="cannot be negative"):
        call.answer("meter_reading", negative)


@pytest.mark.parametrize("zero", ["-0", "-0,0", "-0.0", "- 0"])
def test_minus_zero_is_refused_by_the_cli_as_by_the_api(zero: str) -> None:
    err = io.StringIO()
    argv = ["run", "lebih-tagih", "--answer", "accepts_explanation=t"]
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        assert main([*argv, "--answer", f"meter_reading={zero}"]) == 2
    assert "negatif" in err.getvalue()
    with pytest.raises(InvalidAnswer):
        sopfsm.start("lebih-tagih").answer("accepts_explanation", "t").answer("meter_reading", -0.0)


@given(data=saved_calls(), encoding=st.sampled_from(["utf-8", "utf-16", "utf-32"]))
def test_a_byte_order_mark_is_accepted_in_text_as_in_bytes(
    data: dict[str, object], encoding: str
) -> None:
    text = sopfsm.restore(data).to_json()
    as_text = sopfsm.restore("\ufeff" + text).to_dict()
    with_mark = ("\ufeff" + text).encode(encoding) if encoding == "utf-8" else text.encode(encoding)
    assert sopfsm.restore(with_mark).to_dict() == as_text
    assert as_text == sopfsm.restore(text).to_dict()
