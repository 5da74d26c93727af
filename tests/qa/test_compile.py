"""The compiled walk and the python-statemachine machine agree on every step, outcome and
refusal, for every catalogue SOP, with valid and refused answers in random orders."""

from __future__ import annotations

import attrs
import pytest
from hypothesis import given
from hypothesis import strategies as st

import sopfsm
from sopfsm.compiled import CompiledSop, compile_sop, compiled
from sopfsm.errors import SopfsmError
from sopfsm.model import SopSpec
from sopfsm.qa.read import RecordedCall
from sopfsm.qa.verdict import judge
from sopfsm.strategies import answer_plans, invalid_answers, valid_answers

SOPS = sopfsm.all_sops()
UNKNOWN = "no_such_question"


@st.composite
def attempts(draw: st.DrawFn, sop: SopSpec) -> list[tuple[str, object]]:
    """Answers in any order: to any question of the SOP (or none), accepted or refused."""
    questions = [q.id for q in sop.questions]
    tries = []
    for _ in range(draw(st.integers(0, 8))):
        question_id = draw(st.sampled_from([*questions, UNKNOWN]))
        question = sop.question(question_id)
        if question is None:
            raw: object = draw(st.text(max_size=3))
        elif draw(st.booleans()):
            raw = draw(valid_answers(question))
        else:
            raw = draw(invalid_answers(question))
        tries.append((question_id, raw))
    return tries


def _refusal(error: SopfsmError) -> tuple[object, ...]:
    return (type(error), str(error))


@pytest.mark.parametrize("sop", SOPS, ids=[s.sop_id for s in SOPS])
@given(data=st.data())
def test_compiled_walk_agrees_with_the_machine(sop: SopSpec, data: st.DataObject) -> None:
    table = compiled(sop.sop_id)
    tries = data.draw(attempts(sop))
    # Often follow the pending question, so that walks reach the outcomes too.
    call = sopfsm.start(sop)
    step = table.initial
    for tried in tries:
        question_id, raw = tried
        if call.pending is not None and data.draw(st.booleans()):
            question_id = call.pending.id
            raw = data.draw(valid_answers(call.pending))
        machine_error = compiled_error = None
        try:
            call.answer(question_id, raw)
        except SopfsmError as error:
            machine_error = _refusal(error)
        try:
            step = table.answer(step, question_id, raw)
        except SopfsmError as error:
            compiled_error = _refusal(error)
        assert compiled_error == machine_error
        assert step.id == call.step.id
        assert step.outcome == (call.outcome.code if call.outcome else None)
        assert step.carries == (call.outcome.carries if call.outcome else ())


@pytest.mark.parametrize("sop", SOPS, ids=[s.sop_id for s in SOPS])
@given(data=st.data())
def test_the_check_replays_a_whole_call_to_the_machines_path(
    sop: SopSpec, data: st.DataObject
) -> None:
    plan = data.draw(answer_plans(sop))
    call = sopfsm.start(sop)
    while call.pending is not None:
        call.answer(call.pending.id, plan[call.pending.id])
    answered = [(r.question, plan[r.question]) for r in call.answers]
    order = data.draw(st.permutations(answered))
    assert call.outcome is not None
    recorded = RecordedCall(
        "f", 1, "c", sop.sop_id, sop.version, None, None, tuple(order), call.outcome.code,
        dict(call.outcome.data),
    )  # fmt: skip
    verdict = judge(recorded)
    assert verdict.conforms, verdict.deviations
    assert verdict.path == call.path
    assert verdict.expected == call.outcome.code


def test_a_branch_that_two_guards_take_is_refused_as_the_machine_refuses_it() -> None:
    """A broken SOP (two branches for one answer) is compiled faithfully, not repaired."""
    from sopfsm.machine import build_machine

    sop = sopfsm.get_sop("lebih-tagih")
    first = sop.branches[0]
    overlap = attrs.evolve(sop.branches[1], branch=first.branch)
    broken = sopfsm.spec_of(
        build_machine(
            sop_id="broken", clause="5B", title=sop.title, steps=sop.steps,
            branches=(first, overlap, *sop.branches[2:]),
        )
    )  # fmt: skip
    table: CompiledSop = compile_sop(broken)
    raw = "ya" if first.branch and first.branch.values == (True,) else "tidak"
    with pytest.raises(sopfsm.NoBranch) as machine:
        sopfsm.start(broken).answer("accepts_explanation", raw)
    with pytest.raises(sopfsm.NoBranch) as walked:
        table.answer(table.initial, "accepts_explanation", raw)
    assert str(walked.value) == str(machine.value)
