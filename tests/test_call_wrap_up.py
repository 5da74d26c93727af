"""Wrap-up: a call ends with its outcome and is closed, or ends early and is abandoned."""

from __future__ import annotations

import json

import pytest

import sopfsm
from sopfsm.call import ABANDON_CODES
from sopfsm.errors import CallClosed, InvalidDetail, WrongStatus


def test_a_call_is_open_then_done_then_closed() -> None:
    call = sopfsm.start("lebih-tagih")
    assert (call.status, call.closed) == ("open", False)
    call.answer("accepts_explanation", "ya")
    assert (call.status, call.closed) == ("done", False)
    call.close(by="CSO-7")
    assert (call.status, call.closed) == ("done", True)


@pytest.mark.parametrize("code", list(ABANDON_CODES))
def test_an_abandoned_call_keeps_its_code_and_note_and_takes_no_more_answers(code: str) -> None:
    call = sopfsm.start("lebih-tagih")
    record = call.abandon(code, note="Sambungan putus saat menjelaskan")
    assert (call.status, call.closed, record.code) == ("abandoned", True, code)
    before = json.dumps(call.to_dict())
    with pytest.raises(CallClosed):
        call.answer("accepts_explanation", "ya")
    with pytest.raises(CallClosed):
        call.abandon("dropped")
    assert json.dumps(call.to_dict()) == before


def test_every_wrap_up_code_has_indonesian_and_english_labels() -> None:
    assert set(ABANDON_CODES) == {"dropped", "hung_up", "transferred", "callback"}
    assert all(label.id and label.en and label.id != label.en for label in ABANDON_CODES.values())


@pytest.mark.parametrize(
    ("code", "note", "field"),
    [("lost", None, "code"), (None, None, "code"), ("dropped", "x" * 1001, "note")],
)
def test_a_refused_wrap_up_names_the_field_and_changes_nothing(
    code: object, note: object, field: str
) -> None:
    call = sopfsm.start("lebih-tagih")
    with pytest.raises(InvalidDetail) as caught:
        call.abandon(code, note=note)  # type: ignore[arg-type]
    assert caught.value.field == field
    if field == "code":
        assert "hung_up" in caught.value.message("en")
        assert "Pelanggan menutup telepon" in caught.value.message("id")
    assert (call.status, call.closed, call.entries) == ("open", False, ())


def test_a_finished_call_is_closed_not_abandoned_and_an_open_one_abandoned_not_closed() -> None:
    done = sopfsm.start("lebih-tagih").answer("accepts_explanation", "ya")
    with pytest.raises(WrongStatus, match="abandon"):
        done.abandon("hung_up")
    with pytest.raises(WrongStatus, match="close"):
        sopfsm.start("lebih-tagih").close()
    assert done.status == "done" and not done.closed
