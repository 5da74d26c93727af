"""Saved calls of format version 2 carry the whole record; version-1 saves still restore."""

from __future__ import annotations

import json
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import sopfsm
from sopfsm.call import Call
from sopfsm.errors import OutcomeChanged, SavedCallError, SignatureError

FIXTURES = Path(__file__).parent / "fixtures"
KEY = sopfsm.SigningKey("k1", b"0123456789abcdef0123456789abcdef")


def _worked_call() -> Call:
    call = sopfsm.start("lebih-tagih")
    call.details(name="Budi", phone="081234567890")
    call.answer("accepts_explanation", "tidak").answer("meter_reading", "12.345")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeChanged)
        call.correct("accepts_explanation", "ya", reason="salah tekan", by="CSO-7")
    call.details(idpel="512345678901")
    call.close(by="CSO-7")
    return call


def test_a_version_1_save_written_before_corrections_still_restores() -> None:
    text = (FIXTURES / "saved_call_v1.json").read_text(encoding="utf-8")
    assert json.loads(text)["format_version"] == 1
    call = sopfsm.restore(text)
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
    assert [a.by for a in call.answers] == ["cso", "cso", "answerer"]
    assert (call.status, call.customer, call.corrections) == ("done", {}, ())
    # Once restored it is saved as version 2, and that save restores to the same call.
    again = sopfsm.restore(call.to_json())
    assert again.to_dict() == call.to_dict() and again.to_dict()["format_version"] == 2


def test_a_save_keeps_corrections_details_and_wrap_up() -> None:
    call = _worked_call()
    restored = sopfsm.restore(call.to_json())
    assert restored.to_dict() == call.to_dict()
    assert restored.corrections == call.corrections and restored.closed
    abandoned = sopfsm.start("lebih-tagih")
    abandoned.abandon("callback", note="Pelanggan minta ditelepon sore")
    assert sopfsm.restore(abandoned.to_json()).status == "abandoned"


Edit = Callable[[dict[str, Any]], object]
RECORD_EDITS: dict[str, tuple[Edit, str]] = {
    "correction without a reason": (lambda d: d["record"][3].update(reason=" "), "record[3]"),
    "correction's retracted": (lambda d: d["record"][3].update(retracted=[]), "record[3]"),
    "correction's outcome": (lambda d: d["record"][3].update(outcome_after=None), "record[3]"),
    "correction dropped": (lambda d: d["record"].pop(3), "answers"),
    "phone not normalised": (
        lambda d: d["record"][0]["fields"].update(phone="081234567890"), "record[0]"
    ),
    "customer edited": (lambda d: d["customer"].update(name="Ani"), "customer"),
    "status edited": (lambda d: d.update(status="abandoned"), "status"),
    "wrap-up dropped": (lambda d: d["record"].pop(), "closed"),
    "unknown kind": (lambda d: d["record"][0].update(kind="erase"), "record[0]"),
    "entries out of time order": (
        lambda d: d["record"][-1].update(at="2020-04-10T00:00:00+00:00"), "record[5]"
    ),
    "effective answers edited": (lambda d: d["answers"][0].update(value=False), "answers"),
}  # fmt: skip


@pytest.mark.parametrize("edit", RECORD_EDITS)
def test_an_edited_record_is_refused_naming_the_entry(edit: str) -> None:
    """Without a key only what the replay derives is checked; a signature covers the rest."""
    change, where = RECORD_EDITS[edit]
    data = json.loads(_worked_call().to_json())
    change(data)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeChanged)
        with pytest.raises(SavedCallError) as caught:
            sopfsm.restore(data)
    assert caught.value.where == where


@pytest.mark.parametrize("field", ["record", "customer", "status", "closed"])
def test_the_signature_covers_the_record_the_customer_and_the_status(field: str) -> None:
    signed = json.loads(_worked_call().to_json(key=KEY))
    edited = {"record": [], "customer": {"name": "Ani"}, "status": "open", "closed": False}
    signed[field] = edited[field]
    with pytest.raises(SignatureError, match="does not match"):
        sopfsm.restore(signed, key=KEY)
