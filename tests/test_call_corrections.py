"""Corrections in a call's record: the call is always the call of its effective answers."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sopfsm
from sopfsm import strategies
from sopfsm.call import Call, CorrectionRecord
from sopfsm.compiled import compile_sop
from sopfsm.errors import (
    CallClosed,
    InvalidAnswer,
    InvalidDetail,
    NotAnswered,
    OutcomeChanged,
    UnknownQuestion,
)
from sopfsm.formats import export_sop, load_sop
from sopfsm.model import SopSpec
from sopfsm.qa.read import parse_json_line
from sopfsm.qa.verdict import judge

SOPS = sopfsm.all_sops()


@st.composite
def corrected_calls(draw: st.DrawFn, sop: SopSpec) -> Call:
    """A call of ``sop`` given any sequence of answers and corrections, each valid."""
    plans = [draw(strategies.answer_plans(sop)) for _ in range(3)]
    steps = draw(
        st.lists(st.tuples(st.booleans(), st.integers(0, 30), st.integers(0, 2)), max_size=14)
    )
    call = sopfsm.start(sop)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeChanged)
        for answering, which, plan in steps:
            pending = call.pending
            if answering and pending is not None:
                call.answer(pending.id, plans[plan][pending.id])
            elif call.answers:
                question = call.answers[which % len(call.answers)].question
                call.correct(question, plans[plan][question], reason="salah ketik")
    return call


def _fresh(sop: SopSpec, call: Call) -> Call:
    fresh = sopfsm.start(sop)
    for record in call.answers:
        fresh.answer(record.question, record.value)
    return fresh


def _assert_same_call(call: Call, fresh: Call) -> None:
    assert call.path == fresh.path
    assert call.pending == fresh.pending
    assert call.outcome == fresh.outcome
    assert call.said == fresh.said and call.scripts == fresh.scripts
    assert [(a.question, a.value) for a in call.answers] == [
        (a.question, a.value) for a in fresh.answers
    ]


@given(data=st.data(), sop=st.sampled_from(SOPS))
def test_any_answers_and_corrections_leave_the_call_of_its_effective_answers(
    data: st.DataObject, sop: SopSpec
) -> None:
    call = data.draw(corrected_calls(sop))
    _assert_same_call(call, _fresh(sop, call))
    # QA's compiled walk, reading the saved call, takes the same path to the same outcome.
    verdict = judge(parse_json_line("saved", 1, call.to_json()))
    assert verdict.path == call.path
    assert verdict.expected == (call.outcome.code if call.outcome else None)
    assert [d.code for d in verdict.deviations] == ([] if call.done else ["unfinished"])
    assert len(verdict.call.corrections) == len(call.corrections)
    # And the save restores to the same record.
    assert sopfsm.restore(call.to_json()).to_dict() == call.to_dict()


@pytest.fixture(scope="module")
def loaded_sops(tmp_path_factory: pytest.TempPathFactory) -> list[SopSpec]:
    folder = tmp_path_factory.mktemp("sops")
    loaded = []
    for sop in SOPS:
        path = Path(folder, f"{sop.sop_id}.yaml")
        path.write_text(export_sop(sop, "yaml"), encoding="utf-8")
        loaded.append(load_sop(path))
    return loaded


@settings(max_examples=50)
@given(data=st.data())
def test_a_loaded_sop_file_and_its_compiled_walk_agree_with_its_effective_answers(
    data: st.DataObject, loaded_sops: list[SopSpec]
) -> None:
    sop = data.draw(st.sampled_from(loaded_sops))
    call = data.draw(corrected_calls(sop))
    _assert_same_call(call, _fresh(sop, call))
    compiled = compile_sop(sop)
    step = compiled.initial
    for record in call.answers:
        step = compiled.answer(step, record.question, record.value)
    assert step.id == call.step.id
    assert sopfsm.restore(call.to_json(), sop=sop).to_dict() == call.to_dict()


def _to_unit() -> Call:
    return sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")


def test_a_correction_is_an_entry_of_its_own_that_retracts_what_the_new_path_never_asks() -> None:
    call = _to_unit().answer("meter_reading", "12.345")
    with pytest.warns(OutcomeChanged, match="APKT_TO_UNIT to APKT_ISSUE_CLOSED"):
        correction = call.correct("accepts_explanation", "ya", reason="salah tekan", by="CSO-7")
    assert correction.replaces is False and correction.value is True
    assert correction.retracted == (("meter_reading", 12345.0),)
    assert correction.outcome_changed and correction.by == "CSO-7"
    assert [type(e).__name__ for e in call.entries] == [
        "AnswerRecord",
        "AnswerRecord",
        "CorrectionRecord",
    ]
    assert call.outcome is not None and call.outcome.code == "APKT_ISSUE_CLOSED"
    assert call.outcome.data == {"accepts_explanation": True}


def test_later_answers_the_new_path_still_asks_stay() -> None:
    call = sopfsm.start("niaga-overdue")
    while call.pending is not None and call.pending.id != "urgent":
        call.answer(call.pending.id, "ya")
    call.answer("urgent", "ya")
    assert call.pending is not None
    after = call.pending.id
    call.answer(after, "tidak")
    with pytest.warns(OutcomeChanged):
        correction = call.correct("urgent", "tidak", reason="pelanggan meralat")
    assert after in [a.question for a in call.answers]
    assert after not in [q for q, _ in correction.retracted]


def test_a_correction_that_keeps_the_outcome_warns_nothing() -> None:
    call = _to_unit().answer("meter_reading", "12.345")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        correction = call.correct("meter_reading", "500", reason="stand salah dengar")
    assert not correction.outcome_changed
    assert call.outcome is not None and call.outcome.data["meter_reading"] == 500.0


def _unchanged(call: Call) -> str:
    return json.dumps(call.to_dict())


@pytest.mark.parametrize(
    ("question", "value", "reason", "error", "named"),
    [
        ("no_such_question", "ya", "x", UnknownQuestion, "no_such_question"),
        ("meter_reading", "12", "x", NotAnswered, "meter_reading"),
        ("accepts_explanation", "mungkin", "x", InvalidAnswer, "accepts_explanation"),
        ("accepts_explanation", "ya", "", InvalidDetail, "reason"),
        ("accepts_explanation", "ya", "a\nb", InvalidDetail, "reason"),
        ("accepts_explanation", "ya", 5, InvalidDetail, "reason"),
    ],
)
def test_a_refused_correction_changes_nothing_and_names_the_problem(
    question: str, value: object, reason: object, error: type[Exception], named: str
) -> None:
    call = _to_unit()
    before = _unchanged(call)
    with pytest.raises(error) as caught:
        call.correct(question, value, reason=reason)  # type: ignore[arg-type]
    assert named in str(caught.value)
    assert named in caught.value.message("id")  # type: ignore[attr-defined]
    assert _unchanged(call) == before


def test_a_correction_to_an_answer_an_earlier_correction_retracted_is_refused() -> None:
    call = _to_unit().answer("meter_reading", "1")
    with pytest.warns(OutcomeChanged):
        call.correct("accepts_explanation", "ya", reason="salah")
    with pytest.raises(NotAnswered, match="meter_reading"):
        call.correct("meter_reading", "2", reason="salah")


def test_a_correction_after_the_outcome_is_allowed_until_the_call_is_closed() -> None:
    call = _to_unit().answer("meter_reading", "1")
    call.correct("meter_reading", "2", reason="salah dengar")
    call.close(by="CSO-7")
    before = _unchanged(call)
    with pytest.raises(CallClosed) as caught:
        call.correct("meter_reading", "3", reason="salah dengar")
    assert "ditutup" in caught.value.message("id")
    assert _unchanged(call) == before


def test_an_answerers_answer_after_the_corrected_question_is_asked_again() -> None:
    asked: list[str] = []

    def dtks(call: Call) -> bool:
        asked.append(str(call.answer_value("nik")))
        return str(call.answer_value("nik")).endswith("1")

    call = sopfsm.start("turun-daya", answerers={"nik_eligible": dtks})
    call.answer("target_tariff", "subsidi").answer("nik", "3171010101900001")
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
    with pytest.warns(OutcomeChanged):
        correction = call.correct("nik", "5171026902000002", reason="NIK salah ketik")
    assert ("nik_eligible", True) in correction.retracted
    assert asked == ["3171010101900001", "5171026902000002"]
    assert call.answer_value("nik_eligible") is False
    assert isinstance(call.entries[-2], CorrectionRecord)
