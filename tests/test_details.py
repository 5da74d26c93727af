"""The customer on a call: each detail checked like an answer, logged, and required by
the outcomes whose APKT report needs it."""

from __future__ import annotations

import json

import pytest

import sopfsm
from sopfsm.call import Call, DetailsRecord
from sopfsm.details import REQUIRED_DETAILS
from sopfsm.errors import CallClosed, InvalidDetail
from sopfsm.views import call_dict


def _to_unit() -> Call:
    return (
        sopfsm.start("lebih-tagih")
        .answer("accepts_explanation", "tidak")
        .answer("meter_reading", "1")
    )


def test_details_are_normalised_and_each_change_is_logged() -> None:
    call = sopfsm.start("lebih-tagih")
    call.details(idpel="5123 4567 8901", phone="0812-3456-7890", name="  Budi  ")
    assert call.customer == {"idpel": "512345678901", "phone": "+6281234567890", "name": "Budi"}
    assert call.details(phone="+62 812 3456 7890") is None  # the same number: no change
    changed = call.details(phone="(021) 123 4567", meter="12345678901")
    assert isinstance(changed, DetailsRecord)
    assert dict(changed.fields) == {"phone": "+62211234567", "meter": "12345678901"}
    cleared = call.details(note="")
    assert cleared is None  # nothing to clear
    call.details(note="Pelanggan minta ditelepon sore")
    call.details(note="")
    assert "note" not in call.customer
    assert [type(e).__name__ for e in call.entries] == ["DetailsRecord"] * 4


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("idpel", "12345678901"),  # 11 digits
        ("idpel", "1234567890123"),
        ("idpel", "12345678901a"),
        ("idpel", 512345678901),  # a number loses leading zeros
        ("meter", "1234567890"),
        ("meter", "1234567890123"),
        ("phone", "12"),
        ("phone", "+44 20 7946 0958"),  # a valid number, but not Indonesian
        ("phone", "halo"),
        ("phone", "0" * 41),
        ("name", "x" * 101),
        ("name", "Budi\nSantoso"),
        ("address", "x" * 301),
        ("note", "x" * 1001),
        ("note", "bel\x07"),
    ],
)
def test_a_refused_detail_is_named_in_both_languages_and_stores_nothing(
    field: str, value: object
) -> None:
    call = sopfsm.start("lebih-tagih")
    call.details(name="Budi")
    before = json.dumps(call.to_dict())
    valid = {"note": "ditelepon sore"} if field == "address" else {"address": "Jl. Merdeka 1"}
    with pytest.raises(InvalidDetail) as caught:
        call.details(**valid, **{field: value})  # type: ignore[arg-type]
    assert caught.value.field == field
    assert repr(field) in str(caught.value) and repr(field) in caught.value.message("id")
    assert "Yang diterima" in caught.value.message("id")
    assert json.dumps(call.to_dict()) == before  # the valid detail was not stored either


def test_a_refused_detail_never_quotes_the_personal_data_it_refused() -> None:
    with pytest.raises(InvalidDetail) as caught:
        sopfsm.start("lebih-tagih").details(phone="0813-9999-88887777")
    assert "9999" not in str(caught.value) and "9999" not in caught.value.message("id")


def test_every_apkt_outcome_requires_the_customer_identity_name_and_phone() -> None:
    apkt = {"APKT_TO_UNIT", "APKT_ISSUE_CLOSED", "PS_SCHEME_1", "PS_SCHEME_2"}
    assert set(REQUIRED_DETAILS) == apkt
    assert all({"identity", "name", "phone"} <= set(REQUIRED_DETAILS[o]) for o in apkt)
    assert "REGULAR_SOP" not in REQUIRED_DETAILS


def test_the_call_view_says_which_required_details_are_still_missing() -> None:
    call = sopfsm.start("lebih-tagih")
    assert call_dict(call, "id")["missing_details"] == []  # no outcome, no report yet
    call.details(name="Budi")
    call.answer("accepts_explanation", "tidak").answer("meter_reading", "1")
    view = call_dict(call, "id")
    assert view["required_details"] == ["identity", "name", "phone", "address"]
    assert view["missing_details"] == ["identity", "phone", "address"]
    call.details(meter="123456789012", phone="081234567890", address="Jl. Merdeka 1")
    assert call_dict(call, "id")["missing_details"] == []
    assert call_dict(call, "id")["customer"]["phone"] == "+6281234567890"


def test_a_hand_off_needs_no_details() -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "ya")
    assert call.outcome is not None and call.outcome.code == "APKT_ISSUE_CLOSED"
    triage = sopfsm.start()
    assert triage.pending is not None
    view = call_dict(triage, "en")
    assert view["required_details"] == [] and view["status"] == "open"


def test_details_are_refused_on_a_closed_call() -> None:
    call = _to_unit()
    call.close()
    with pytest.raises(CallClosed):
        call.details(name="Budi")


def test_the_required_details_rest_on_a_named_assumption() -> None:
    from sopfsm.assumptions import ASSUMPTIONS

    decision = ASSUMPTIONS["apkt-customer-details"].decision
    for outcome in REQUIRED_DETAILS:
        assert outcome.split("_")[0] in decision.en
    assert "REGULAR_SOP" in decision.en and "IDPEL" in decision.id
