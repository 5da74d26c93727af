"""Saving a call midway and resuming it; saved calls that are corrupted or edited are refused."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any

import pytest

import sopfsm
from sopfsm import SavedCallError

Clock = Callable[[], dt.datetime]


def _midway(clock: Clock) -> sopfsm.Call:
    call = sopfsm.start("turun-daya", clock=clock)
    return call.answer("target_tariff", "subsidi").answer("nik", "3171010101900001")


def test_a_saved_call_resumes_where_it_was(clock: Clock) -> None:
    call = _midway(clock)
    resumed = sopfsm.restore(call.to_json())
    assert resumed.to_dict() == call.to_dict()
    assert resumed.pending is not None and resumed.pending.id == "nik_eligible"
    resumed.answer("nik_eligible", "tidak").answer("asks_about_eligibility", "ya")
    assert resumed.outcome is not None and resumed.outcome.code == "APKT_ISSUE_CLOSED"
    assert sopfsm.restore(resumed.to_json()).to_dict() == resumed.to_dict()


def test_restore_runs_the_answerers_of_the_resumed_call(clock: Clock) -> None:
    resumed = sopfsm.restore(_midway(clock).to_json(), answerers={"nik_eligible": lambda c: True})
    assert resumed.outcome is not None and resumed.outcome.code == "APKT_TO_UNIT"


Edit = Callable[[dict[str, Any]], dict[str, Any]]


def as_version_1(data: dict[str, Any]) -> dict[str, Any]:
    """The save as format version 1 wrote it: answers only, no record."""
    for key in ("status", "closed", "customer", "record"):
        del data[key]
    return {**data, "format_version": 1}


def _edit(change: Callable[[dict[str, Any]], object]) -> Edit:
    def apply(data: dict[str, Any]) -> dict[str, Any]:
        change(data)
        return data

    return apply


EDITS: dict[str, tuple[Edit, str]] = {
    "other SOP id": (_edit(lambda d: d.update(sop="turun-tegangan")), "sop"),
    "other SOP version": (_edit(lambda d: d.update(version="2019-01-01")), "version"),
    "newer format": (_edit(lambda d: d.update(format_version=3)), "format_version"),
    "older format": (_edit(lambda d: d.update(format_version=0)), "format_version"),
    "format as text": (_edit(lambda d: d.update(format_version="1")), "format_version"),
    "format as true": (_edit(lambda d: d.update(format_version=True)), "format_version"),
    "not our format": (_edit(lambda d: d.update(format="acme.call")), "format"),
    "unknown step": (_edit(lambda d: d.update(step="ask_nothing")), "step"),
    "step it never reached": (_edit(lambda d: d.update(step="recipient_to_unit")), "path"),
    "path edited": (_edit(lambda d: d["path"].pop()), "path"),
    "answer changed": (
        _edit(lambda d: d["answers"][0].update(value="non_subsidized")), "answers[1]"
    ),
    "answer invalid": (_edit(lambda d: d["answers"][1].update(value="12345")), "answers[1]"),
    "answer dropped": (_edit(lambda d: d["answers"].pop()), "path"),
    "answers swapped": (_edit(lambda d: d["answers"].reverse()), "answers[0]"),  # not pending
    "time not a time": (_edit(lambda d: d["answers"][0].update(at="yesterday")), "answers[0]"),
    "time without zone": (
        _edit(lambda d: d["answers"][0].update(at="2020-04-10T08:00:00")), "answers[0]"
    ),
    "unknown answerer": (_edit(lambda d: d["answers"][0].update(by="robot")), "answers[0]"),
    "field missing": (_edit(lambda d: d.pop("answers")), ""),
    "field added": (_edit(lambda d: d.update(agent="budi")), ""),
    "done flipped": (_edit(lambda d: d.update(done=True)), "done"),
    "outcome invented": (_edit(lambda d: d.update(outcome={"code": "APKT_TO_UNIT"})), "outcome"),
}  # fmt: skip


@pytest.mark.parametrize("edit", EDITS)
def test_an_edited_saved_call_is_refused_naming_the_field(edit: str, clock: Clock) -> None:
    change, where = EDITS[edit]
    # Version 1, whose answers are the whole record; version 2's record has its own tests.
    data = change(as_version_1(json.loads(_midway(clock).to_json())))
    with pytest.raises(SavedCallError) as caught:
        sopfsm.restore(json.dumps(data))
    assert caught.value.where == where
    assert caught.value.reason


@pytest.mark.parametrize(
    "text",
    ["", "{", "[]", "null", '"call"', "not json", '{"format": NaN}', b"\xff\xfe"],
)
def test_text_that_is_not_a_saved_call_is_refused(text: str | bytes) -> None:
    with pytest.raises(SavedCallError):
        sopfsm.restore(text)


def test_a_truncated_saved_call_is_refused_at_every_length(clock: Clock) -> None:
    text = _midway(clock).to_json()
    for end in range(len(text)):
        with pytest.raises(SavedCallError):
            sopfsm.restore(text[:end])


def test_a_call_on_a_sop_of_ones_own_saves_and_restores_with_that_sop() -> None:
    from tests.support.broken_sops import GapInGuard

    own = sopfsm.spec_of(GapInGuard)
    call = sopfsm.start(own).answer("region_scheme", 1)
    assert sopfsm.restore(call.to_json(), sop=own).to_dict() == call.to_dict()
    with pytest.raises(SavedCallError) as caught:
        sopfsm.restore(call.to_json())
    assert caught.value.where == "sop"
    with pytest.raises(SavedCallError, match="not 'lebih-tagih'"):
        sopfsm.restore(call.to_json(), sop=sopfsm.get_sop("lebih-tagih"))
