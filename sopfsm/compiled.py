"""A SOP compiled once into flat tables, walked by QA's replay and the service's calls.

The guided call drives python-statemachine, which costs a few tenths of a millisecond
per call; checking a year of recorded calls that way would take hours, and replaying a
stored call on every request of the service would cost more than the request itself.
The declared machine stays the definition, the audit's subject and the Python API's
engine; the replay walks
the same declared graph (:func:`sopfsm.spec_of`) as plain lookups instead: per step, the
question, the function that coerces a raw answer, the branch each coerced value takes
(or the branch any accepted answer takes), and for a final step its outcome code, the
answers it carries and the clause it cites. Nothing here is specific to one SOP.

``tests/qa/test_compile.py`` proves, over every catalogue SOP, that :meth:`CompiledSop.answer`
agrees with :meth:`sopfsm.Call.answer` on every step, outcome and refusal;
``tests/test_compiled.py`` that a :class:`CompiledCall` shows exactly what a
:class:`sopfsm.Call` shows (:func:`sopfsm.views.call_view`), on every audit path of every
SOP, SOP files included.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Mapping
from typing import Final

import attrs

from sopfsm.answers import Value
from sopfsm.call import (
    BY_CSO,
    DONE,
    OPEN,
    AnswerRecord,
    CallOutcome,
    Clock,
    in_answer_order,
    utc_now,
)
from sopfsm.catalogue import get_sop
from sopfsm.declare import Branch
from sopfsm.details import missing_details
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
    any_branches: tuple[tuple[Branch, int], ...]  # those branches, to judge other values
    outcome: str | None
    carries: tuple[str, ...]

    @property
    def final(self) -> bool:
        return self.outcome is not None

    def branch(self, value: Value) -> tuple[int, ...]:
        """The steps ``value`` leads to: exactly one unless the SOP's guards are faulty."""
        targets = self.targets.get((type(value), value))
        if targets is not None:
            return targets
        # Branch.matches decides: an "any" branch refuses a value that is not one (the
        # NIK not at hand), so it is asked rather than assumed.
        return tuple(target for branch, target in self.any_branches if branch.matches(value))


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
        """The step after answering ``question_id`` with ``raw`` at step ``at``
        (:meth:`take`, without the accepted value)."""
        return self.take(at, question_id, raw)[1]

    def take(self, at: CompiledStep, question_id: str, raw: object) -> tuple[Value, CompiledStep]:
        """The accepted value of ``raw`` and the step answering ``question_id`` leads to.

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
        return value, self.steps[targets[0]]


def compile_sop(sop: SopSpec) -> CompiledSop:
    """``sop``'s declared steps and branches as the tables :class:`CompiledSop` walks."""
    index = {step.id: i for i, step in enumerate(sop.steps)}
    steps = []
    for i, step in enumerate(sop.steps):
        declared = [
            (branch.branch, index[branch.target])
            for branch in sop.branches_from(step.id)
            # Not declared with when(): it matches nothing (BranchSpec.matches).
            if branch.branch is not None
        ]
        named = {key_of(v): v for b, _ in declared if b.values is not None for v in b.values}
        any_branches = tuple((b, target) for b, target in declared if b.values is None)
        # Every branch that matches a named value, as Call.check counts them: an "any"
        # branch too, unless Branch.matches says the value is none of its answers.
        table = {
            key: tuple(target for b, target in declared if b.matches(value))
            for key, value in named.items()
        }
        steps.append(
            CompiledStep(
                index=i,
                id=step.id,
                clause=step.per.label if step.per is not None else None,
                question=step.asks,
                coerce=memoised(step.asks.kind.coerce) if step.asks is not None else None,
                targets=table,
                any_targets=tuple(target for _, target in any_branches),
                any_branches=any_branches,
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


class CompiledCall:
    """A call walked on a :class:`CompiledSop`: what :class:`sopfsm.Call` shows, cheaply.

    It has the attributes :func:`sopfsm.views.call_view` reads (``sop``, ``step``,
    ``path``, ``pending``, ``answers``, ``outcome``), equal to those of a ``Call`` given
    the same answers, and refuses an answer with the same error. It has no answerers and
    no lock: the service gives one call to one request at a time, and starts its calls
    without answerers.
    """

    __slots__ = ("_answers", "_at", "_path", "table")

    def __init__(self, table: CompiledSop) -> None:
        self.table = table
        self._at = table.initial
        self._path: list[str] = [table.initial.id]
        self._answers: list[AnswerRecord] = []

    @property
    def sop(self) -> SopSpec:
        return self.table.spec

    @property
    def at(self) -> CompiledStep:
        return self._at

    @property
    def path(self) -> tuple[str, ...]:
        return tuple(self._path)

    @property
    def pending(self) -> Question | None:
        return self._at.question

    @property
    def done(self) -> bool:
        return self._at.outcome is not None

    @property
    def answers(self) -> tuple[AnswerRecord, ...]:
        return tuple(self._answers)

    @property
    def outcome(self) -> CallOutcome | None:
        at = self._at
        if at.outcome is None:
            return None
        return CallOutcome(
            code=at.outcome,
            step=at.id,
            data={record.question: record.value for record in self._answers},
            carries=at.carries,
        )

    # A call the service walks holds answers alone: no correction, detail or wrap-up
    # (those calls are replayed through sopfsm.Call), so its record reads as an open or
    # done call with no customer yet, as the same Call would.
    @property
    def status(self) -> str:
        return DONE if self._at.outcome is not None else OPEN

    @property
    def closed(self) -> bool:
        return False

    @property
    def corrections(self) -> tuple[()]:
        return ()

    @property
    def customer(self) -> Mapping[str, str]:
        return {}

    @property
    def missing_details(self) -> tuple[str, ...]:
        outcome = self._at.outcome
        return missing_details(outcome, {}) if outcome else ()

    def answer(
        self, question_id: str, raw: object, at: dt.datetime, by: str = BY_CSO
    ) -> CompiledCall:
        """Answer the pending question, or raise what :meth:`sopfsm.Call.answer` raises;
        a refused answer changes nothing."""
        table = self.table
        if not isinstance(question_id, str):  # Call.check: only text names a question
            raise UnknownQuestion(table.sop_id, question_id, [q.id for q in table.spec.questions])
        value, following = table.take(self._at, question_id, raw)
        # The time rule of every call log (Call.answer's): never before the answer before.
        at = in_answer_order(at, self._answers[-1].at if self._answers else None)
        self._at = following
        self._path.append(following.id)
        self._answers.append(AnswerRecord(question_id, value, at, by))
        return self

    def copy(self) -> CompiledCall:
        twin = CompiledCall(self.table)
        twin._at = self._at
        twin._path = list(self._path)
        twin._answers = list(self._answers)
        return twin

    def __repr__(self) -> str:
        return f"<CompiledCall {self.table.sop_id} at {self._at.id!r}>"


def start_answered(
    table: CompiledSop, given: Mapping[str, object], clock: Clock = utc_now
) -> tuple[CompiledCall, list[str]]:
    """:func:`sopfsm.call.start_answered` on the compiled walk, refusing what it refuses.

    Every given question must exist and every value be accepted before the call starts;
    returns the call and the questions it never asked, in the order given.
    """
    sop = table.spec
    known = [q.id for q in sop.questions]
    for question_id, value in given.items():
        question = sop.question(question_id)
        if question is None:
            raise UnknownQuestion(sop.sop_id, question_id, known)
        question.coerce(value)
    call = CompiledCall(table)
    used: set[str] = set()
    while (pending := call.pending) is not None and pending.id in given:
        call.answer(pending.id, given[pending.id], clock())
        used.add(pending.id)
    return call, [q for q in given if q not in used]
