"""Answerers are foreign code: whatever one does (raise, return nonsense, answer the call
itself), the CSO's answer is applied or not as ``AnswererError`` says, attribution is
right, and the answerer's question is left to the CSO."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm import AnswererError, ReentrantAnswer, SopfsmError, strategies


def _reenter_with_answer(call: sopfsm.Call) -> object:
    call.answer("nik_eligible", True)
    return True


def _reenter_with_run(call: sopfsm.Call) -> object:
    call.run_answerers()
    return True


def _reenter_then_swallow(call: sopfsm.Call) -> object:
    try:
        call.answer("nik_eligible", False)
    except ReentrantAnswer:
        return True  # the refusal changed nothing; its own answer is what counts
    return False


def _raise(error: BaseException) -> Callable[[sopfsm.Call], object]:
    def answerer(_call: sopfsm.Call) -> object:
        raise error

    return answerer


FAILING: dict[str, Callable[[sopfsm.Call], object]] = {
    "answers the call itself": _reenter_with_answer,
    "runs the answerers itself": _reenter_with_run,
    "raises a SopfsmError": _raise(sopfsm.UnknownSop("x", ())),
    "raises a ValueError": _raise(ValueError("DTKS down\nsecond line")),
    "returns an invalid answer": lambda call: "perhaps",
    "returns a number": lambda call: 1,
}


def _to_nik_eligible(answerer: Callable[[sopfsm.Call], object]) -> sopfsm.Call:
    call = sopfsm.start("turun-daya", answerers={"nik_eligible": answerer})
    return call.answer("target_tariff", "subsidi")


@pytest.mark.parametrize("how", FAILING)
def test_a_failing_answerer_leaves_the_cso_answer_applied_and_its_question_pending(
    how: str,
) -> None:
    call = _to_nik_eligible(FAILING[how])
    with pytest.raises(AnswererError) as caught:
        call.answer("nik", "3171010101900001")
    error = caught.value
    assert error.question_id == "nik_eligible"
    assert error.applied == ("nik",)
    assert "'nik' were applied" in str(error) and "left pending for the CSO" in str(error)
    assert "\n" not in str(error)
    assert [(a.question, a.by) for a in call.answers] == [("target_tariff", "cso"), ("nik", "cso")]
    assert call.pending is not None and call.pending.id == "nik_eligible"
    call.answer("nik_eligible", "ya")  # the CSO answers by hand; the call goes on
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
    assert [a.by for a in call.answers] == ["cso", "cso", "cso"]


def test_an_answerer_that_catches_the_refusal_and_returns_is_recorded_as_the_answerer() -> None:
    call = _to_nik_eligible(_reenter_then_swallow).answer("nik", "3171010101900001")
    assert [(a.question, a.value, a.by) for a in call.answers][-1] == (
        "nik_eligible",
        True,
        "answerer",
    )
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"


def test_an_answerer_failing_at_start_says_no_answer_was_applied() -> None:
    with pytest.raises(AnswererError, match="no answer was applied") as caught:
        sopfsm.start("lebih-tagih", answerers={"accepts_explanation": _raise(OSError("down"))})
    assert caught.value.applied == ()
    assert "tanyakan 'accepts_explanation' secara manual" in caught.value.message("id")


def test_the_clock_cannot_answer_the_call_either() -> None:
    calls: list[sopfsm.Call] = []

    def clock() -> object:
        if calls:
            calls[0].answer("meter_reading", "1")
        return sopfsm.call.utc_now()

    call = sopfsm.start("lebih-tagih", clock=clock)  # type: ignore[arg-type]
    calls.append(call)
    with pytest.raises(ReentrantAnswer, match="still applying the answer to 'accepts"):
        call.answer("accepts_explanation", "tidak")
    assert call.answers == () and call.pending is not None


@st.composite
def answerer_behaviours(draw: st.DrawFn) -> Callable[[sopfsm.Call], object]:
    """An answerer that does one of the things foreign code does, good or bad."""
    question = draw(st.sampled_from(sopfsm.get_sop("turun-daya").questions))
    how = draw(st.sampled_from(["value", "none", "reenter", "raise", "nonsense"]))
    value = draw(strategies.valid_answers(question) | strategies.hostile_values())
    if how == "value":
        return lambda call: value
    if how == "none":
        return lambda call: None
    if how == "reenter":
        return lambda call: call.answer(question.id, value)
    if how == "raise":
        return _raise(
            draw(st.sampled_from([RuntimeError("x"), KeyError("y"), ZeroDivisionError()]))
        )
    return lambda call: draw(strategies.hostile_values())


@given(
    behaviours=st.dictionaries(
        st.sampled_from([q.id for q in sopfsm.get_sop("turun-daya").questions]),
        answerer_behaviours(),
    ),
    plan=strategies.answer_plans(sopfsm.get_sop("turun-daya")),
)
def test_whatever_answerers_do_the_history_says_who_answered_and_nothing_else_changed(
    behaviours: dict[str, Callable[[sopfsm.Call], object]], plan: dict[str, object]
) -> None:
    try:
        call = sopfsm.start("turun-daya", answerers=behaviours)
    except AnswererError:
        return
    while call.pending is not None:
        before = len(call.answers)
        asked = call.pending.id
        failed: AnswererError | None = None
        try:
            call.answer(asked, plan[asked])
        except AnswererError as error:
            failed = error
        except SopfsmError:
            pytest.fail("only an answerer's failure may interrupt a valid answer")
        added = call.answers[before:]
        if failed is not None:  # exactly the answers it names were added, the CSO's first
            assert tuple(a.question for a in added) == failed.applied
            assert call.pending is not None and call.pending.id == failed.question_id
        assert added[0].question == asked and added[0].by == "cso"
        assert all(a.by == "answerer" and a.question in behaviours for a in added[1:])
    assert call.outcome is not None
    restored = sopfsm.restore(call.to_json())
    assert [(a.question, a.by) for a in restored.answers] == [
        (a.question, a.by) for a in call.answers
    ]
