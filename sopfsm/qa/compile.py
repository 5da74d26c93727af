"""A SOP compiled once into the flat tables that QA's replay walks.

The guided call drives python-statemachine, which costs a few tenths of a millisecond
per call; checking a year of recorded calls that way would take hours. The replay walks
the same declared graph (:func:`sopfsm.spec_of`) as plain lookups instead: per step, the
question, the function that coerces a raw answer, the branch each coerced value takes
(or the branch any accepted answer takes), and for a final step its outcome code, the
answers it carries and the clause it cites. Nothing here is specific to one SOP.

``tests/qa/test_compile.py`` proves, over every catalogue SOP, that :meth:`CompiledSop.answer`
agrees with :meth:`sopfsm.Call.answer` on every step, outcome and refusal.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Final

import attrs

from sopfsm.answers import Value
from sopfsm.catalogue import get_sop
from sopfsm.declare import Branch
from sopfsm.errors import (
    CallFinished,
    InvalidAnswer,
    NoBranch,
    NotPending,
    Rejected,
    UnknownQuestion,
)
from sopfsm.model import SopSpec
from sopfsm.questions import Question

# A coerced value's key in a branch table: True == 1 in Python, but a yes must never
# take the branch of choice 1 (sopfsm.declare.Branch.matches compares types too).
Key = tuple[type, Value]
MEMO_SIZE: Final = 4096
_EVERY_VALUE: Final = Branch(None, None)  # what a branch on ANY takes


def memoised(coerce: Callable[[object], Value]) -> Callable[[object], Value]:
    """``coerce`` remembering up to :data:`MEMO_SIZE` accepted raw answers.

    Recorded calls repeat the same few spellings ("ya", "Tidak", "skema 2") millions of
    times; answer kinds are pure, so the memo changes nothing but the time. Refusals are
    not remembered (they raise), nor are unhashable answers.
    """
    memo: dict[tuple[type, object], Value] = {}

    def cached(raw: object) -> Value:
        key = (type(raw), raw)  # True == 1, but they are different answers
        try:
            return memo[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable answer, e.g. a list: the kind refuses it
            return coerce(raw)
        value = coerce(raw)
        if len(memo) < MEMO_SIZE:
            memo[key] = value
        return value

    return cached


def key_of(value: Value) -> Key:
    return (type(value), value)


@attrs.frozen(slots=True)
class CompiledStep:
    """One step as the replay sees it; branch targets are indexes into the SOP's steps."""

    index: int
    id: str
    clause: str | None  # the clause (or "A:assumption") the step cites
    question: Question | None
    coerce: Callable[[object], Value] | None  # raises sopfsm.answers.Rejected
    targets: dict[Key, tuple[int, ...]]  # every branch a value takes; normally one
    any_targets: tuple[int, ...]  # the branches any accepted answer takes
    outcome: str | None
    carries: tuple[str, ...]

    @property
    def final(self) -> bool:
        return self.outcome is not None

    def branch(self, value: Value) -> tuple[int, ...]:
        """The steps ``value`` leads to: exactly one unless the SOP's guards are faulty."""
        return self.targets.get((type(value), value), self.any_targets)


@attrs.frozen
class CompiledSop:
    """A SOP version as flat tables; :func:`compile_sop` builds it once per SOP."""

    sop_id: str
    version: str
    clause: str
    steps: tuple[CompiledStep, ...]
    initial: CompiledStep
    question_ids: frozenset[str]
    outcomes: frozenset[str]  # the outcome codes this SOP can end in: its closed set
    spec: SopSpec = attrs.field(eq=False, repr=False)
    _by_id: dict[str, CompiledStep] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {s.id: s for s in self.steps})

    def step(self, step_id: str) -> CompiledStep:
        return self._by_id[step_id]

    def answer(self, at: CompiledStep, question_id: str, raw: object) -> CompiledStep:
        """The step after answering ``question_id`` with ``raw`` at step ``at``.

        Refuses exactly as :meth:`sopfsm.Call.answer` does, with the same error classes
        and values: :class:`UnknownQuestion`, :class:`CallFinished`, :class:`NotPending`,
        :class:`InvalidAnswer` and :class:`NoBranch`.
        """
        if question_id not in self.question_ids:
            raise UnknownQuestion(self.sop_id, question_id, [q.id for q in self.spec.questions])
        if at.outcome is not None:
            raise CallFinished(question_id, at.id, at.outcome)
        question = at.question
        if question is None or question.id != question_id:
            raise NotPending(question_id, question.id if question else None, at.id)
        try:
            value = at.coerce(raw)  # type: ignore[misc]  # a step that asks has one
        except Rejected as rejected:
            # What Question.coerce raises, from the memoised coercion the check uses.
            raise InvalidAnswer(question.id, raw, rejected.reason, question.accepted) from None
        targets = at.branch(value)
        if len(targets) != 1:
            raise NoBranch(self.sop_id, at.id, question_id, value, len(targets))
        return self.steps[targets[0]]


def compile_sop(sop: SopSpec) -> CompiledSop:
    """``sop``'s declared steps and branches as the tables :class:`CompiledSop` walks."""
    index = {step.id: i for i, step in enumerate(sop.steps)}
    steps = []
    for i, step in enumerate(sop.steps):
        targets: dict[Key, list[int]] = {}
        any_targets: list[int] = []
        for branch in sop.branches_from(step.id):
            if branch.branch is None:
                continue  # not declared with when(): it matches nothing (BranchSpec.matches)
            if branch.branch.values is None:
                any_targets.append(index[branch.target])
            else:
                for value in branch.branch.values:
                    targets.setdefault(key_of(value), []).append(index[branch.target])
        # A value named by a branch also takes every "any" branch (Call.check counts both),
        # but for an answer that gives no value ("tidak ada", "tidak tahu"), which "any"
        # never takes: it has its own branch alone.
        table = {
            k: (*v, *any_targets) if _EVERY_VALUE.matches(k[1]) else tuple(v)
            for k, v in targets.items()
        }
        steps.append(
            CompiledStep(
                index=i,
                id=step.id,
                clause=step.per.label if step.per is not None else None,
                question=step.asks,
                coerce=memoised(step.asks.kind.coerce) if step.asks is not None else None,
                targets=table,
                any_targets=tuple(any_targets),
                outcome=step.outcome,
                carries=step.carries,
            )
        )
    compiled = tuple(steps)
    return CompiledSop(
        sop_id=sop.sop_id,
        version=sop.version,
        clause=sop.clause,
        steps=compiled,
        initial=compiled[index[sop.initial.id]],
        question_ids=frozenset(q.id for q in sop.questions),
        outcomes=frozenset(str(s.outcome) for s in sop.steps if s.outcome is not None),
        spec=sop,
    )


@functools.cache
def compiled(sop_id: str) -> CompiledSop:
    """The catalogue SOP ``sop_id``, compiled once per process; :class:`UnknownSop` if none."""
    return compile_sop(get_sop(sop_id))
