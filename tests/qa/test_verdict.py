"""Each deviation code, found on a call built to have it, with the clause it concerns."""

from __future__ import annotations

from typing import Any

import pytest

import sopfsm
from sopfsm.qa.read import RecordedCall
from sopfsm.qa.verdict import judge

NIK = "3171010101900001"
RECIPIENT = {  # turun-daya, clause 5A.2b: a subsidy recipient, sent to the unit with the NIK
    "sop": "turun-daya",
    "answers": (("target_tariff", "Subsidi"), ("nik", NIK), ("nik_eligible", "ya")),
    "outcome": "APKT_TO_UNIT",
    "data": {"nik": NIK},
}


def _call(**fields: Any) -> RecordedCall:
    base: dict[str, Any] = {
        "file": "calls.jsonl", "line": 1, "call_id": "C1", "version": None, "agent": "CSO-1",
        "at": "2020-05-01T08:00:00Z", **RECIPIENT,
    }  # fmt: skip
    base.update(fields)
    return RecordedCall(**base)


def _found(call: RecordedCall) -> list[dict[str, Any]]:
    return [d.to_dict() for d in judge(call).deviations]


def test_a_call_that_follows_its_sop_conforms() -> None:
    verdict = judge(_call())
    assert verdict.conforms
    assert verdict.path == ("ask_target_tariff", "ask_nik", "ask_nik_eligible", "recipient_to_unit")


def test_a_saved_guided_call_conforms() -> None:
    call = sopfsm.start("ps-welding")
    while call.pending is not None:
        call.answer(call.pending.id, 2 if call.pending.id == "region_scheme" else "ya")
    assert call.outcome is not None
    recorded = _call(
        sop="ps-welding",
        answers=tuple((r.question, r.value) for r in call.answers),
        outcome=call.outcome.code,
        data=dict(call.outcome.data),
    )
    assert judge(recorded).conforms


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        pytest.param(
            {"outcome": "APKT_ISSUE_CLOSED"},
            [{"code": "wrong_outcome", "clause": "5A.2b", "expected": "APKT_TO_UNIT",
              "recorded": "APKT_ISSUE_CLOSED"}],
            id="wrong_outcome",
        ),
        pytest.param(
            {"outcome": "ARAHKAN_KE_UNIT"},
            [{"code": "outcome_not_allowed", "clause": "4", "expected": "APKT_TO_UNIT",
              "recorded": "ARAHKAN_KE_UNIT",
              "reason": "allowed outcomes: APKT_ISSUE_CLOSED, APKT_TO_UNIT"}],
            id="outcome_not_allowed-clause-4",
        ),
        pytest.param(
            {"outcome": "PS_SCHEME_1"},
            [{"code": "outcome_not_allowed", "clause": "5A", "expected": "APKT_TO_UNIT",
              "recorded": "PS_SCHEME_1",
              "reason": "allowed outcomes: APKT_ISSUE_CLOSED, APKT_TO_UNIT"}],
            id="outcome_not_allowed-another-sops-outcome",
        ),
        pytest.param(
            {"answers": (("target_tariff", "Subsidi"), ("nik_eligible", "ya"))},
            [{"code": "missing_answer", "clause": "5A.2", "question": "nik"}],
            id="missing_answer",
        ),
        pytest.param(
            {"answers": (*RECIPIENT["answers"], ("asks_about_eligibility", "tidak"))},
            [{"code": "extra_answer", "clause": "5A", "question": "asks_about_eligibility",
              "recorded": "tidak"}],
            id="extra_answer-off-the-path",
        ),
        pytest.param(
            {"answers": (*RECIPIENT["answers"], ("urgent", "ya"))},
            [{"code": "extra_answer", "clause": "5A", "question": "urgent", "recorded": "ya"}],
            id="extra_answer-another-sops-question",
        ),
        pytest.param(
            {"answers": (*RECIPIENT["answers"], ("nik_eligible", "tidak"))},
            [{"code": "extra_answer", "clause": "5A", "question": "nik_eligible",
              "recorded": "tidak", "reason": "answered twice"}],
            id="extra_answer-twice",
        ),
        pytest.param(
            {"answers": (("target_tariff", "Subsidi"), ("nik", "3171010101900000"),
                         ("nik_eligible", "ya"))},
            [{"code": "invalid_answer", "clause": "5A.2", "question": "nik",
              "recorded": "3171010101900000",
              "reason": "the serial number (digits 13-16) cannot be 0000"}],
            id="invalid_answer-malformed-nik",
        ),
        pytest.param(
            {"data": {}},
            [{"code": "missing_data", "clause": "5A.2b", "question": "nik", "expected": NIK}],
            id="missing_data",
        ),
        pytest.param(
            {"outcome": None},
            [{"code": "unfinished", "clause": "5A.2b", "expected": "APKT_TO_UNIT"}],
            id="unfinished",
        ),
        pytest.param(
            {"sop": "turun-tegangan"},
            [{"code": "unknown_sop", "clause": None, "recorded": "turun-tegangan",
              "reason": "known SOPs: " + ", ".join(sopfsm.sop_ids())}],
            id="unknown_sop",
        ),
        pytest.param(
            {"version": "2019-01-01"},
            [{"code": "unknown_version", "clause": "5A", "expected": "2020-04-10",
              "recorded": "2019-01-01"}],
            id="unknown_version",
        ),
    ],
)  # fmt: skip
def test_each_deviation_is_found_with_its_clause(
    fields: dict[str, Any], expected: list[dict[str, Any]]
) -> None:
    assert _found(_call(**fields)) == expected


def test_a_negative_meter_reading_is_refused_with_the_reason_in_indonesian() -> None:
    call = _call(
        sop="lebih-tagih",
        answers=(("accepts_explanation", "tidak"), ("meter_reading", "-12,5")),
        data={"meter_reading": -12.5},
    )
    [deviation] = judge(call).deviations
    assert deviation.to_dict("id")["reason"] == "stand tidak boleh negatif"


def test_a_source_that_records_no_data_is_not_blamed_for_missing_data() -> None:
    assert judge(_call(data=None)).conforms
