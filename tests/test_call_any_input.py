"""Whatever reaches the public API from outside, only a SopfsmError comes back: never an
OverflowError, TypeError or AttributeError, and a refusal changes nothing."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm import InvalidArgument, SopfsmError, strategies
from sopfsm.signing import SigningKey

SOPS = sopfsm.all_sops()
KEY = SigningKey("k1", b"a secret of at least sixteen bytes")
HOSTILE = strategies.hostile_values()


def _only_sopfsm_errors(action: Any, *args: object, **kwargs: object) -> object:
    try:
        return action(*args, **kwargs)
    except SopfsmError as error:
        assert str(error)  # noqa: PT017  # the error of any of thousands of inputs
        return error


@given(sop=HOSTILE)
def test_start_and_get_sop_take_anything(sop: object) -> None:
    _only_sopfsm_errors(sopfsm.start, sop)
    _only_sopfsm_errors(sopfsm.get_sop, sop)


@given(sop=st.sampled_from(SOPS), answerers=HOSTILE, clock=HOSTILE)
def test_start_refuses_answerers_and_clocks_that_are_not_them(
    sop: sopfsm.SopSpec, answerers: object, clock: object
) -> None:
    _only_sopfsm_errors(sopfsm.start, sop, answerers=answerers)
    _only_sopfsm_errors(sopfsm.start, sop, clock=clock)


@given(
    sop=st.sampled_from(SOPS),
    data=st.data(),
    question=HOSTILE | st.sampled_from([q.id for s in SOPS for q in s.questions]),
    value=HOSTILE,
)
def test_answer_and_check_take_any_question_and_value_and_change_nothing_when_refused(
    sop: sopfsm.SopSpec, data: st.DataObject, question: object, value: object
) -> None:
    call = sopfsm.start(sop)
    plan = data.draw(strategies.answer_plans(sop))
    for _ in range(data.draw(st.integers(0, 3))):
        if call.pending is not None:
            call.answer(call.pending.id, plan[call.pending.id])
    before = call.to_dict()
    _only_sopfsm_errors(call.check, question, value)
    assert call.to_dict() == before
    if isinstance(_only_sopfsm_errors(call.answer, question, value), SopfsmError):
        assert call.to_dict() == before


@given(value=st.integers(min_value=10**9).map(lambda n: n**40) | st.just(10**400))
def test_a_number_past_a_float_is_refused_as_too_large(value: int) -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")
    with pytest.raises(sopfsm.InvalidAnswer, match="too large"):
        call.answer("meter_reading", value)
    assert call.pending is not None and call.pending.id == "meter_reading"


@given(saved=HOSTILE, key=HOSTILE, other=HOSTILE)
def test_restore_takes_any_value_and_any_key(saved: object, key: object, other: object) -> None:
    _only_sopfsm_errors(sopfsm.restore, saved)
    _only_sopfsm_errors(sopfsm.restore, saved, key=key)
    genuine = sopfsm.start("lebih-tagih").to_json()
    for option in ("sop", "answerers", "clock", "key"):
        _only_sopfsm_errors(sopfsm.restore, genuine, **{option: other})


@given(field=st.sampled_from(["answers", "outcome", "path", "step", "done"]), value=HOSTILE)
def test_restore_takes_any_value_in_any_field_of_a_genuine_save(field: str, value: object) -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")
    data: dict[object, object] = json.loads(call.to_json())
    data[field] = value
    _only_sopfsm_errors(sopfsm.restore, data)
    data[1] = "a key that is no text"
    error = _only_sopfsm_errors(sopfsm.restore, data)
    assert isinstance(error, sopfsm.SavedCallError)


@given(key=HOSTILE)
def test_to_json_takes_any_key(key: object) -> None:
    call = sopfsm.start("lebih-tagih")
    _only_sopfsm_errors(call.to_json, key=key)


def test_a_wrong_type_of_sop_question_field_or_number_is_a_named_error() -> None:
    with pytest.raises(InvalidArgument) as caught:
        sopfsm.start(None)  # type: ignore[arg-type]
    assert isinstance(caught.value, TypeError) and caught.value.name == "sop"
    with pytest.raises(sopfsm.UnknownQuestion):
        sopfsm.start("lebih-tagih").answer(["nik"], "x")  # type: ignore[arg-type]
    with pytest.raises(sopfsm.SavedCallError, match="field names are text"):
        sopfsm.restore({1: "x", "format": "sopfsm.call"})  # type: ignore[dict-item]
    with pytest.raises(sopfsm.InvalidAnswer, match="too large"):
        sopfsm.start("lebih-tagih").answer("accepts_explanation", "t").answer(
            "meter_reading", 10**400
        )


@pytest.mark.parametrize("field", ["outcome", "answers", "path", "format_version", "signature"])
@pytest.mark.parametrize("signed", [False, True])
def test_a_save_nested_a_hundred_thousand_lists_deep_is_refused(field: str, signed: bool) -> None:
    key = KEY if signed else None
    data = json.loads(sopfsm.start("lebih-tagih").to_json(key=key))
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    data[field] = deep
    with pytest.raises(sopfsm.SavedCallError):
        sopfsm.restore(data, key=key)
