"""Arbitrary text and JSON thrown at every answer and at the saved-call loader: the only
exceptions that escape are SopfsmError subclasses, nothing changes, and whatever loads
is faithful. The ``slow`` run feeds the loader 100,000 inputs (docs/testing.md)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

import sopfsm
from sopfsm import SavedCallError, SopfsmError, strategies
from tests.reading import endings

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
SOPS = sopfsm.all_sops()


def as_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """A save of a call without corrections, details or wrap-up as format version 1 (answers
    only) wrote it: what every save before version 2 looks like."""
    assert not any(e["kind"] != "answer" for e in data["record"])
    for key in ("status", "closed", "customer", "record"):
        del data[key]
    data["format_version"] = 1
    return data


@st.composite
def saved_calls(draw: st.DrawFn, min_answers: int = 0, version: int = 2) -> dict[str, Any]:
    """A genuine saved call of a random SOP, stopped at a random point after at least
    ``min_answers`` answers; in format ``version``."""
    sops = [sop for sop in SOPS if len(sop.questions) >= min_answers]
    sop = draw(st.sampled_from(sops))
    plan = draw(strategies.answer_plans(sop))
    whole = sopfsm.start(sop)
    while whole.pending is not None:
        whole.answer(whole.pending.id, plan[whole.pending.id])
    assume(len(whole.answers) >= min_answers)
    call = sopfsm.start(sop)
    for _ in range(draw(st.integers(min_answers, len(whole.answers)))):
        assert call.pending is not None
        call.answer(call.pending.id, plan[call.pending.id])
    data: dict[str, Any] = json.loads(call.to_json())
    return as_version_1(data) if version == 1 else data


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
