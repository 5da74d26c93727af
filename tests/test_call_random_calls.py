"""Properties over every SOP, explored by Hypothesis with real inputs: random calls with bad
answers mixed in, saving and restoring at a random point, and the independent decision
table of READING.md."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm import SopfsmError, strategies
from tests.support.reading import QUESTIONS, endings, expected

SOPS = {sop_id: sopfsm.get_sop(sop_id) for sop_id in QUESTIONS}


@st.composite
def noisy_calls(draw: st.DrawFn, sop_id: str) -> tuple[dict[str, object], list[list[object]]]:
    """A whole call's answers, and for each step a few refused answers to try first."""
    sop = SOPS[sop_id]
    plan = draw(strategies.answer_plans(sop))
    noise = [draw(st.lists(strategies.invalid_answers(q), max_size=2)) for q in sop.questions]
    return plan, noise


def _drive(call: sopfsm.Call, plan: dict[str, object]) -> None:
    while call.pending is not None:
        call.answer(call.pending.id, plan[call.pending.id])


@pytest.mark.parametrize("sop_id", QUESTIONS)
@given(data=st.data())
def test_random_calls_with_bad_answers_end_as_the_reading_says(
    sop_id: str, data: st.DataObject
) -> None:
    plan, noise = data.draw(noisy_calls(sop_id))
    questions = [q.id for q in SOPS[sop_id].questions]
    call = sopfsm.start(sop_id)
    while call.pending is not None:
        pending = call.pending.id
        for bad in noise[questions.index(pending)]:
            before = call.to_dict()
            with pytest.raises(sopfsm.InvalidAnswer) as refused:
                call.answer(pending, bad)
            assert refused.value.question_id == pending
            assert call.to_dict() == before
        call.answer(pending, plan[pending])
    outcome = call.outcome
    assert outcome is not None
    assert outcome.code in endings(sop_id)
    # The independent table, on the coerced answers the call recorded.
    asked, code, _ = expected(sop_id, dict(outcome.data))
    assert outcome.code == code
    assert tuple(outcome.data) == asked
    for question in call.step.carries:
        assert question in outcome.data


@pytest.mark.parametrize("sop_id", QUESTIONS)
@given(data=st.data())
def test_saving_and_restoring_at_any_point_gives_the_same_outcome(
    sop_id: str, data: st.DataObject
) -> None:
    plan = data.draw(strategies.answer_plans(SOPS[sop_id]))
    straight = sopfsm.start(sop_id)
    _drive(straight, plan)
    stop_after = data.draw(st.integers(0, len(straight.answers)))
    call = sopfsm.start(sop_id)
    for _ in range(stop_after):
        assert call.pending is not None
        call.answer(call.pending.id, plan[call.pending.id])
    resumed = sopfsm.restore(call.to_json())
    assert resumed.to_dict() == call.to_dict()
    _drive(resumed, plan)
    assert resumed.outcome == straight.outcome
    assert resumed.path == straight.path


@pytest.mark.parametrize("sop_id", QUESTIONS)
@given(data=st.data())
def test_arbitrary_answers_at_any_point_raise_only_sopfsm_errors_and_change_nothing(
    sop_id: str, data: st.DataObject
) -> None:
    sop = SOPS[sop_id]
    plan = data.draw(strategies.answer_plans(sop))
    call = sopfsm.start(sop_id)
    for _ in range(data.draw(st.integers(0, len(sop.questions)))):
        if call.pending is not None:
            call.answer(call.pending.id, plan[call.pending.id])
    asked = [q.id for q in sop.questions]  # none at all for clause 4's catch-all
    question = data.draw((st.sampled_from(asked) if asked else st.nothing()) | st.text(max_size=20))
    value = data.draw(
        st.one_of(st.text(), st.integers(), st.floats(), st.none(), st.booleans(), st.binary())
    )
    before = call.to_dict()
    try:
        call.answer(question, value)
    except SopfsmError:
        assert call.to_dict() == before
