"""A Hypothesis rule-based state machine drives the call API as call software would:
answers, bad answers, answers out of turn, saves, restores, and reading the pending
question, checking the call against READING.md's decision table after every step."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

import sopfsm
from sopfsm import CallFinished, InvalidAnswer, NotPending, strategies
from tests.support.reading import QUESTIONS, endings, expected

SOPS = {sop_id: sopfsm.get_sop(sop_id) for sop_id in QUESTIONS}


class CallDriver(RuleBasedStateMachine):
    call: sopfsm.Call
    plan: dict[str, Any]
    saved: list[str]

    @initialize(sop_id=st.sampled_from(sorted(SOPS)), data=st.data())
    def start(self, sop_id: str, data: st.DataObject) -> None:
        self.plan = data.draw(strategies.answer_plans(SOPS[sop_id]))
        self.call = sopfsm.start(sop_id)
        self.saved = []
        self.sop_id = sop_id

    @precondition(lambda self: not self.call.done)
    @rule()
    def answer_pending(self) -> None:
        pending = self.call.pending
        assert pending is not None
        self.call.answer(pending.id, self.plan[pending.id])

    @precondition(lambda self: not self.call.done)
    @rule(data=st.data())
    def bad_answer(self, data: st.DataObject) -> None:
        pending = self.call.pending
        assert pending is not None
        bad = data.draw(strategies.invalid_answers(pending))
        before = self.call.to_dict()
        with pytest.raises(InvalidAnswer):
            self.call.answer(pending.id, bad)
        assert self.call.to_dict() == before

    @rule(data=st.data())
    def answer_out_of_turn(self, data: st.DataObject) -> None:
        pending = self.call.pending
        others = [
            q.id for q in SOPS[self.sop_id].questions if pending is None or q.id != pending.id
        ]
        if not others:
            return
        question = data.draw(st.sampled_from(others))
        before = self.call.to_dict()
        with pytest.raises(CallFinished if self.call.done else NotPending):
            self.call.answer(question, self.plan[question])
        assert self.call.to_dict() == before

    @rule()
    def save(self) -> None:
        self.saved.append(self.call.to_json())

    @precondition(lambda self: bool(self.saved))
    @rule(data=st.data())
    def restore(self, data: st.DataObject) -> None:
        text = data.draw(st.sampled_from(self.saved))
        self.call = sopfsm.restore(text)
        assert self.call.to_json() == text

    @rule()
    def ask_pending(self) -> None:
        before = self.call.to_dict()
        pending = self.call.pending
        if pending is None:
            assert self.call.done
        else:
            assert pending.prompt.id and pending.prompt.en
            assert pending.accepted.id and pending.accepted.en
        assert all(s.text.id and s.per for s in self.call.scripts)
        assert self.call.to_dict() == before

    @invariant()
    def pending_question_is_the_next_one_the_reading_asks(self) -> None:
        asked, code, _ = expected(self.sop_id, _coerced(self.sop_id, self.plan))
        answered = tuple(r.question for r in self.call.answers)
        assert answered == asked[: len(answered)]
        if self.call.done:
            assert answered == asked
            assert self.call.outcome is not None
            assert self.call.outcome.code == code
            assert code in endings(self.sop_id)
        else:
            assert self.call.pending is not None
            assert self.call.pending.id == asked[len(answered)]


def _coerced(sop_id: str, plan: dict[str, Any]) -> dict[str, Any]:
    return {q.id: q.coerce(plan[q.id]) for q in SOPS[sop_id].questions}


TestCallDriver = CallDriver.TestCase
