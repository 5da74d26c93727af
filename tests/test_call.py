"""The call API: pending questions, scripts, answers, errors that leave the call unchanged,
history, and the answerer hook."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

import sopfsm
from sopfsm import (
    AnswererError,
    CallFinished,
    InvalidAnswer,
    NotPending,
    UnknownQuestion,
    UnknownSop,
)

Clock = Callable[[], dt.datetime]


def test_start_tells_the_pending_question_its_prompt_accepted_values_and_scripts() -> None:
    call = sopfsm.start("niaga-overdue")
    assert call.pending is not None
    assert call.pending.id == "urgent"
    assert "mendesak" in call.pending.prompt.id
    assert "Ya" in call.pending.accepted.id and "Tidak" in call.pending.accepted.id
    assert [s.per.label for s in call.scripts] == ["1a"]
    assert "Covid-19" in call.scripts[0].text.id
    assert not call.done and call.outcome is None


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("yes", True), ("YA", True), (" y ", True), ("true", True), (True, True), ("iya", True),
        ("no", False), ("Tidak", False), ("t", False), ("false", False), (False, False),
    ],
)  # fmt: skip
def test_yes_no_answers_in_both_languages(raw: object, value: bool) -> None:
    call = sopfsm.start("gangguan-persil").answer("access_restricted", raw)
    assert call.answers[0].value is value


@pytest.mark.parametrize("raw", [1, "1", "skema 1", "Skema 1", "scheme1"])
def test_region_scheme_by_value_or_label(raw: object) -> None:
    call = sopfsm.start("ps-bereavement").answer("region_scheme", raw)
    assert call.outcome is not None and call.outcome.code == "PS_SCHEME_1"


@pytest.mark.parametrize("raw", [True, 3, "3", 1.5, "", "skema", None])
def test_region_scheme_refuses_anything_else(raw: object) -> None:
    call = sopfsm.start("ps-bereavement")
    with pytest.raises(InvalidAnswer) as caught:
        call.answer("region_scheme", raw)
    assert caught.value.question_id == "region_scheme"
    assert "Skema 1" in caught.value.message("id") and "Scheme 2" in str(caught.value)


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("subsidi", "subsidized"),
        ("Non Subsidi", "non_subsidized"),
        ("non-subsidised", "non_subsidized"),
    ],
)
def test_tariffs_by_value_label_or_spelling(raw: str, value: str) -> None:
    call = sopfsm.start("turun-daya").answer("target_tariff", raw)
    assert call.answers[0].value == value


def _bad_moves(call: sopfsm.Call) -> list[tuple[str, object, type[Exception]]]:
    pending = call.pending.id if call.pending else "urgent"
    return [
        (pending, "maybe", InvalidAnswer),
        ("no_such_question", "ya", UnknownQuestion),
        *[(q.id, "ya", NotPending) for q in call.sop.questions if q.id != pending],
    ]


@pytest.mark.parametrize("sop_id", sopfsm.sop_ids())
def test_every_refused_answer_leaves_the_call_exactly_as_it_was(sop_id: str, clock: Clock) -> None:
    call = sopfsm.start(sop_id, clock=clock)
    while not call.done:
        before = call.to_dict()
        for question_id, value, error in _bad_moves(call):
            with pytest.raises(error):
                call.answer(question_id, value)
            assert call.to_dict() == before
        question = call.pending
        assert question is not None
        sample = question.kind.classes()[-1].samples[0]
        call.answer(question.id, sample)
    before = call.to_dict()
    for question in call.sop.questions:
        with pytest.raises(CallFinished) as caught:
            call.answer(question.id, "ya")
        assert caught.value.outcome == call.outcome.code  # type: ignore[union-attr]
        assert call.to_dict() == before


def test_an_unknown_sop_names_the_known_ones() -> None:
    with pytest.raises(UnknownSop) as caught:
        sopfsm.start("turun-tegangan")
    assert caught.value.sop_id == "turun-tegangan"
    assert "turun-daya" in str(caught.value)


def test_not_pending_names_the_pending_question_in_both_languages() -> None:
    call = sopfsm.start("turun-daya")
    with pytest.raises(NotPending) as caught:
        call.answer("nik", "3171010101900001")
    assert caught.value.pending == "target_tariff"
    assert "target_tariff" in caught.value.message("id")
    assert "tidak sedang ditanyakan" in caught.value.message("id")


def test_history_keeps_steps_scripts_and_answers_with_times(clock: Clock) -> None:
    call = sopfsm.start("lebih-tagih", clock=clock)
    call.answer("accepts_explanation", "tidak").answer("meter_reading", "12.345")
    assert call.path == ("explain_policy", "ask_meter_reading", "to_unit")
    assert [r.question for r in call.answers] == ["accepts_explanation", "meter_reading"]
    assert [r.at.second for r in call.answers] == [0, 1]
    assert all(r.by == "cso" for r in call.answers)
    assert [s.per.label for s in call.said] == ["5B", "A:told-sent-to-unit", "5B"]
    assert call.outcome is not None
    assert call.outcome.data == {"accepts_explanation": False, "meter_reading": 12345.0}
    assert call.outcome.carries == ("meter_reading",)


def test_an_answerer_answers_the_dtks_check_so_the_cso_is_not_asked() -> None:
    checked: list[object] = []

    def dtks(call: sopfsm.Call) -> bool:
        checked.append(call.answer_value("nik"))
        return True

    call = sopfsm.start("turun-daya", answerers={"nik_eligible": dtks})
    call.answer("target_tariff", "subsidi").answer("nik", "31.71.01 010190 0001")
    assert checked == ["3171010101900001"]
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
    assert call.outcome.data["nik"] == "3171010101900001"
    assert [r.by for r in call.answers] == ["cso", "cso", "answerer"]


def test_an_answerer_that_returns_none_leaves_the_question_to_the_cso() -> None:
    call = sopfsm.start("turun-daya", answerers={"nik_eligible": lambda call: None})
    call.answer("target_tariff", "subsidi").answer("nik", "3171010101900001")
    assert call.pending is not None and call.pending.id == "nik_eligible"


@pytest.mark.parametrize("answerer", [lambda call: 1 / 0, lambda call: "perhaps"])
def test_a_failing_answerer_is_named_and_its_question_stays_pending(
    answerer: sopfsm.Answerer,
) -> None:
    call = sopfsm.start("turun-daya", answerers={"nik_eligible": answerer})
    call.answer("target_tariff", "subsidi")
    with pytest.raises(AnswererError) as caught:
        call.answer("nik", "3171010101900001")
    assert caught.value.question_id == "nik_eligible"
    assert call.pending is not None and call.pending.id == "nik_eligible"
    call.answer("nik_eligible", "ya")
    assert call.done


def test_an_answerer_for_a_question_the_sop_lacks_is_refused() -> None:
    with pytest.raises(UnknownQuestion):
        sopfsm.start("lebih-tagih", answerers={"nik_eligible": lambda call: True})
