"""Arbitrary text and JSON thrown at every answer and at the saved-call loader: the only
exceptions that escape are SopfsmError subclasses, nothing changes, and whatever loads
is faithful. The ``slow`` run feeds the loader 100,000 inputs (docs/testing.md)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import sopfsm
from sopfsm import SavedCallError, SopfsmError, strategies
from tests.support.reading import endings
from tests.support.saves import JSON, SOPS, saved_calls


@st.composite
def mutated_saved_calls(draw: st.DrawFn) -> str | dict[str, Any]:
    """A genuine saved call, then edited, truncated or replaced the ways data goes bad."""
    return _mutated(draw, draw(saved_calls()))


def _mutated(draw: st.DrawFn, data: dict[str, Any]) -> str | dict[str, Any]:
    how = draw(st.sampled_from(["field", "answer", "truncate", "drop", "repeat", "json", "text"]))
    if how == "field":
        data[draw(st.sampled_from(sorted(data)))] = draw(JSON)
    elif how == "answer" and data["answers"]:
        answer = draw(st.sampled_from(data["answers"]))
        answer[draw(st.sampled_from(sorted(answer)))] = draw(JSON)
    elif how == "drop":
        data.pop(draw(st.sampled_from(sorted(data))))
    elif how == "truncate":
        text = json.dumps(data)
        return text[: draw(st.integers(0, len(text)))]
    elif how == "repeat":  # a key twice in one object: json.loads alone keeps the last
        text = json.dumps(data)
        return f'{{"{draw(st.sampled_from(sorted(data)))}": {json.dumps(draw(JSON))}, {text[1:]}'
    elif how == "json":
        return json.dumps(draw(JSON))
    elif how == "text":
        return draw(st.text())
    return data


KEY = sopfsm.SigningKey("fuzz", b"a secret only the fuzz run knows")


@st.composite
def mutated_signed_calls(draw: st.DrawFn) -> tuple[str | dict[str, Any], str]:
    """A genuine save signed with KEY, then mutated; and its signed text, unchanged."""
    data = draw(saved_calls())
    signed = sopfsm.restore(data).to_json(key=KEY)
    return _mutated(draw, json.loads(signed)), signed


def _load_or_refuse(saved: str | dict[str, Any]) -> None:
    try:
        call = sopfsm.restore(saved)
    except SavedCallError as error:
        assert error.reason  # noqa: PT017  # hundreds of thousands of inputs, most refused
        event(f"refused at {error.where or 'the top'}".split("[")[0])
        return
    event("restored")
    # Whatever loads must be the call it claims to be, and save to itself.
    data = json.loads(saved) if isinstance(saved, str) else saved
    assert list(call.path) == data["path"]
    assert call.step.id == data["step"]
    assert sopfsm.restore(call.to_json()).to_dict() == call.to_dict()


def _signed_or_refused(saved: str | dict[str, Any], signed: str) -> None:
    try:
        call = sopfsm.restore(saved, key=KEY)
    except SavedCallError as error:
        event(f"signed: refused at {error.where or 'the top'}".split("[")[0])
        return
    event("signed: restored")
    # Only a save unchanged since it was signed passes its key.
    assert call.to_json(key=KEY) == signed


@given(saved=mutated_saved_calls())
def test_the_loader_refuses_bad_saves_only_with_saved_call_errors(
    saved: str | dict[str, Any],
) -> None:
    _load_or_refuse(saved)


@given(signed=mutated_signed_calls())
def test_a_signed_save_restores_with_its_key_only_unchanged(
    signed: tuple[str | dict[str, Any], str],
) -> None:
    _signed_or_refused(*signed)


@given(text=st.text() | st.binary().map(lambda b: b.decode("latin-1")))
def test_the_loader_refuses_arbitrary_text(text: str) -> None:
    _load_or_refuse(text)


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
@given(data=st.data())
def test_arbitrary_values_to_every_question_change_nothing(
    sop: sopfsm.SopSpec, data: st.DataObject
) -> None:
    call = sopfsm.start(sop)
    plan = data.draw(strategies.answer_plans(sop))
    while call.pending is not None:
        pending = call.pending.id
        raw = data.draw(JSON | st.text(), label=pending)
        before = call.to_dict()
        try:
            call.answer(pending, raw)
        except SopfsmError:
            assert call.to_dict() == before
            call.answer(pending, plan[pending])
    assert call.outcome is not None and call.outcome.code in endings(sop.sop_id)


FUZZ_EXAMPLES = int(os.environ.get("SOPFSM_FUZZ_EXAMPLES", "100000"))


@pytest.mark.slow
@settings(
    max_examples=FUZZ_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
@given(saved=mutated_saved_calls() | mutated_signed_calls())
def test_fuzz_the_loader_with_100000_inputs(
    saved: str | dict[str, Any] | tuple[str | dict[str, Any], str],
) -> None:
    if isinstance(saved, tuple):
        _signed_or_refused(*saved)
    else:
        _load_or_refuse(saved)
