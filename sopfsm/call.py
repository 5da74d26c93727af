"""A guided call: one customer's walk through one SOP, answer by answer.

The call drives the SOP's python-statemachine machine and keeps the history that QA
audits: the steps visited, the scripts said, and every answer with its time and who gave
it. Answers are ordered by when they were applied, never by a clock: an answer's time is
the clock's, or the previous answer's if the clock reads earlier. Every check runs
before anything changes, so a refused answer leaves the call as it was.

A call is safe to share between threads: answers are applied one at a time under a lock,
so of two answers to one question one wins and the other raises :class:`NotPending`.
Code that runs inside an answer (an answerer, the clock) cannot answer the same call:
an answerer returns its answer, and :class:`ReentrantAnswer` says so if it tries.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Mapping
from typing import Any

import attrs
from statemachine import StateMachine
from statemachine.exceptions import InvalidDefinition

from sopfsm.answers import Value
from sopfsm.catalogue import FRONT_DOOR, get_sop
from sopfsm.declare import ANSWER_EVENT, Script
from sopfsm.errors import (
    AnswererError,
    CallFinished,
    InvalidArgument,
    NoBranch,
    NotPending,
    ReentrantAnswer,
    SignatureError,
    SopDefinitionError,
    SopfsmError,
    UnknownQuestion,
)
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.questions import Question
from sopfsm.signing import SigningKey, sign

Answerer = Callable[["Call"], object]
"""Call software's own answer to a question (the DTKS check for ``nik_eligible``).

It receives the call (whose :attr:`Call.answers` hold, e.g., the NIK) and returns the raw
answer, or None to leave the question to the CSO."""

Clock = Callable[[], dt.datetime]

FORMAT = "sopfsm.call"
FORMAT_VERSION = 1
BY_CSO = "cso"
BY_ANSWERER = "answerer"


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


@attrs.frozen
class AnswerRecord:
    """One answer of the call: the question, the accepted value, when, and who gave it."""

    question: str
    value: Value
    at: dt.datetime
    by: str = BY_CSO


@attrs.frozen
class CallOutcome:
    """How the call ended in APKT, with what the unit needs: the answers given."""

    code: str
    step: str
    data: Mapping[str, Value]
    carries: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "step": self.step, "data": dict(self.data)}


class Call:
    """A live call on one SOP. Create it with :func:`sopfsm.start`."""

    def __init__(
        self,
        sop: SopSpec,
        *,
        answerers: Mapping[str, Answerer] | None = None,
        clock: Clock = utc_now,
    ) -> None:
        if not isinstance(sop, SopSpec):
            raise InvalidArgument("sop", sop, "a SOP id or a SopSpec")
        self._answerers = _checked_answerers(sop, answerers)
        if not callable(clock):
            raise InvalidArgument("clock", clock, "a callable returning an aware datetime")
        self._sop = sop
        try:
            self._machine: StateMachine = sop.machine()
        except InvalidDefinition as error:  # e.g. a guard named by a misspelled string
            raise SopDefinitionError(sop.sop_id, str(error)) from error
        self._step = sop.initial
        self._path: list[str] = [self._step.id]
        self._answers: list[AnswerRecord] = []
        self._clock = clock
        self._lock = threading.RLock()
        self._applying: str | None = None  # the question whose answer is being applied
        self.signed_with: str | None = None
        """The id of the key whose signature :func:`sopfsm.restore` checked, or None."""

    # -- what the CSO sees -------------------------------------------------------------

    @property
    def sop(self) -> SopSpec:
        return self._sop

    @property
    def step(self) -> StepSpec:
        """The step the call is at."""
        return self._step

    @property
    def pending(self) -> Question | None:
        """The question the CSO must ask now; None once the call has its outcome."""
        return self._step.asks

    @property
    def scripts(self) -> tuple[Script, ...]:
        """What the CSO says at this step, before its question."""
        return self._step.says

    @property
    def done(self) -> bool:
        return self._step.final

    @property
    def outcome(self) -> CallOutcome | None:
        """The APKT outcome once the call is done, carrying every answer given."""
        if self._step.outcome is None:
            return None
        return CallOutcome(
            code=self._step.outcome,
            step=self._step.id,
            data={record.question: record.value for record in self._answers},
            carries=self._step.carries,
        )

    # -- history -----------------------------------------------------------------------

    @property
    def path(self) -> tuple[str, ...]:
        """The steps visited, in order."""
        return tuple(self._path)

    @property
    def said(self) -> tuple[Script, ...]:
        """Every script said so far, in order."""
        return tuple(script for step_id in self._path for script in self._sop.step(step_id).says)

    @property
    def answers(self) -> tuple[AnswerRecord, ...]:
        return tuple(self._answers)

    def answer_value(self, question_id: str) -> Value | None:
        """The value given to ``question_id`` in this call, or None."""
        return next((r.value for r in self._answers if r.question == question_id), None)

    # -- answering ---------------------------------------------------------------------

    def check(self, question_id: str, value: object) -> tuple[Value, BranchSpec]:
        """Validate an answer without applying it: the coerced value and the branch it takes.

        Raises the error :meth:`answer` would raise; never changes the call.
        """
        sop, step = self._sop, self._step
        question = sop.question(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise UnknownQuestion(sop.sop_id, question_id, [q.id for q in sop.questions])
        if step.outcome is not None:
            raise CallFinished(question_id, step.id, step.outcome)
        if step.asks is None or step.asks.id != question_id:
            raise NotPending(question_id, step.asks.id if step.asks else None, step.id)
        coerced = question.coerce(value)
        matching = [b for b in sop.branches_from(step.id) if b.matches(coerced)]
        if len(matching) != 1:
            raise NoBranch(sop.sop_id, step.id, question_id, coerced, len(matching))
        return coerced, matching[0]

    def answer(self, question_id: str, value: object) -> Call:
        """Answer the pending question; returns the call, moved to its next step.

        Raises :class:`UnknownQuestion`, :class:`NotPending`, :class:`CallFinished`,
        :class:`InvalidAnswer`, :class:`NoBranch` or :class:`ReentrantAnswer`, each leaving
        the call unchanged; and :class:`AnswererError` if an answerer then fails on the
        next question: the CSO's answer (and every answerer's before it) stays applied, as
        its ``applied`` says, and that question stays pending for the CSO.
        """
        with self._lock, self._applying_answer(question_id):
            self._apply(question_id, value, self._answer_time(), BY_CSO)
            self._run_answerers([question_id])
        return self

    def run_answerers(self) -> None:
        """Let the answerers answer the pending question, for as long as they have one.

        :func:`sopfsm.start`, :meth:`answer` and :func:`sopfsm.restore` call it; call
        software calls it itself only after attaching answerers by hand.
        """
        pending = self.pending
        with self._lock, self._applying_answer(pending.id if pending else "no question"):
            self._run_answerers([])

    def _applying_answer(self, question_id: object) -> _Applying:
        if self._applying is not None:  # the lock is held by this very thread
            raise ReentrantAnswer(question_id, self._applying)
        return _Applying(self, str(question_id))

    def _now(self) -> dt.datetime:
        at = self._clock()
        if not isinstance(at, dt.datetime) or at.tzinfo is None:
            raise InvalidArgument("the clock's time", at, "an aware datetime")
        return at

    def _answer_time(self) -> dt.datetime:
        """The clock's time, never before the last answer's: see :func:`in_answer_order`."""
        return in_answer_order(self._now(), self._answers[-1].at if self._answers else None)

    def _apply(self, question_id: str, value: object, at: dt.datetime, by: str) -> None:
        coerced, branch = self.check(question_id, value)
        self._machine.send(ANSWER_EVENT, value=coerced)
        if self._machine.current_state_value != branch.target:  # pragma: no cover
            # The machine and its declared view disagree; never let a call drift.
            raise SopfsmError(
                f"SOP {self._sop.sop_id!r}: the machine went to "
                f"{self._machine.current_state_value!r}, its declaration says {branch.target!r}"
            )
        self._step = self._sop.step(branch.target)
        self._path.append(branch.target)
        self._answers.append(AnswerRecord(question_id, coerced, at, by))

    def _run_answerers(self, applied: list[str]) -> None:
        while (question := self.pending) is not None and question.id in self._answerers:
            try:
                raw = self._answerers[question.id](self)
                if raw is None:
                    return
                self._apply(question.id, raw, self._answer_time(), BY_ANSWERER)
            except Exception as error:  # an answerer is foreign code; name its failure
                raise AnswererError(question.id, error, applied) from error
            applied.append(question.id)

    # -- copies ------------------------------------------------------------------------

    def __copy__(self) -> Call:
        """An independent call with its own machine, at the same step with the same history."""
        with self._lock:
            copy = Call(self._sop, answerers=self._answerers, clock=self._clock)
            for record in self._answers:
                copy._apply(record.question, record.value, record.at, record.by)
            return copy

    def __deepcopy__(self, memo: dict[int, object]) -> Call:
        return self.__copy__()

    def __reduce_ex__(self, protocol: object) -> Any:
        # A pickle would carry a lock and a live machine; a save carries the call.
        raise InvalidArgument("a call to pickle", self, "saved with to_json() instead")

    # -- saving ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The call as a JSON-ready dict; :func:`sopfsm.restore` takes it back."""
        with self._lock:
            return self._to_dict()

    def _to_dict(self) -> dict[str, Any]:
        outcome = self.outcome
        return {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "sop": self._sop.sop_id,
            "version": self._sop.version,
            "step": self._step.id,
            "done": self.done,
            "path": list(self._path),
            "answers": [
                {"question": r.question, "value": r.value, "at": r.at.isoformat(), "by": r.by}
                for r in self._answers
            ],
            "outcome": outcome.to_dict() if outcome else None,
        }

    def to_json(self, key: SigningKey | None = None) -> str:
        """The call as JSON text, to store between requests and restore later.

        With ``key`` the save is signed (HMAC-SHA256, naming ``key.id``), and
        ``sopfsm.restore(text, key=key)`` refuses it if anything in it changed.
        """
        data = self.to_dict()
        if key is not None:
            if not isinstance(key, SigningKey):
                raise SignatureError(f"key must be a SigningKey, not {type(key).__name__}")
            data = sign(data, key)
        return json.dumps(data, ensure_ascii=False)

    def __repr__(self) -> str:
        return f"<Call {self._sop.sop_id} at {self._step.id!r}>"


def in_answer_order(at: dt.datetime, previous: dt.datetime | None) -> dt.datetime:
    """The time an answer is recorded at: ``at``, or ``previous`` if ``at`` is before it.

    A call's answers are ordered by when they were applied (their revision), never by a
    clock: two servers on one store read two clocks, and one clock can step back. So a
    recorded time is never before the answer it follows; :meth:`Call.answer` and
    :func:`sopfsm.restore` keep this one rule alike.
    """
    return at if previous is None or at >= previous else previous


def start(
    sop: str | SopSpec = FRONT_DOOR,
    *,
    answerers: Mapping[str, Answerer] | None = None,
    clock: Clock = utc_now,
) -> Call:
    """Start a guided call on the SOP ``sop`` (a catalogue id, or a :class:`SopSpec`);
    by default at the front door, which asks the customer's matter first.

    ``answerers`` maps question ids to call software's own answers (e.g. the DTKS check
    for ``nik_eligible``); those questions are not put to the CSO.
    Raises :class:`UnknownSop` or, for an answerer of an unknown question,
    :class:`UnknownQuestion`.
    """
    spec = get_sop(sop) if isinstance(sop, str) else sop
    call = Call(spec, answerers=answerers, clock=clock)  # refuses anything but a SopSpec
    call.run_answerers()
    return call


def start_answered(
    sop: SopSpec, given: Mapping[str, object], *, clock: Clock = utc_now
) -> tuple[Call, list[str]]:
    """Start a call on ``sop`` and apply ``given`` answers as their questions come up.

    This is ``sopfsm run --answer`` and the service's ``POST /v1/calls``: answers may come
    in any order. Every question must exist and every value be accepted before the call
    starts, even one the call would not reach, so that nothing is refused halfway.
    Returns the call and the questions it never asked, in the order given.
    """
    known = [q.id for q in sop.questions]
    for question_id, value in given.items():
        question = sop.question(question_id)
        if question is None:
            raise UnknownQuestion(sop.sop_id, question_id, known)
        question.coerce(value)
    call = start(sop, clock=clock)
    used: set[str] = set()
    while (pending := call.pending) is not None and pending.id in given:
        call.answer(pending.id, given[pending.id])
        used.add(pending.id)
    return call, [q for q in given if q not in used]


class _Applying:
    """Marks the call as applying an answer, so that re-entering it is refused by name."""

    def __init__(self, call: Call, question_id: str) -> None:
        self._call = call
        self._question_id = question_id

    def __enter__(self) -> None:
        self._call._applying = self._question_id

    def __exit__(self, *exc_info: object) -> None:
        self._call._applying = None


def _checked_answerers(sop: SopSpec, answerers: object) -> dict[str, Answerer]:
    if answerers is None:
        return {}
    if not isinstance(answerers, Mapping):
        raise InvalidArgument("answerers", answerers, "a mapping of question ids to callables")
    known = [q.id for q in sop.questions]
    for question_id, answerer in answerers.items():
        if not isinstance(question_id, str) or sop.question(question_id) is None:
            raise UnknownQuestion(sop.sop_id, question_id, known)
        if not callable(answerer):
            raise InvalidArgument(f"the answerer for {question_id!r}", answerer, "a callable")
    return dict(answerers)
