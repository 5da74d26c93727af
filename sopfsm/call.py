"""A guided call: one customer's walk through one SOP, answer by answer.

The call drives the SOP's python-statemachine machine and keeps the history that QA
audits: the steps visited, the scripts said, and every answer with its time and who gave
it. Every check runs before anything changes, so a refused answer leaves the call as it was.
"""

from __future__ import annotations

import datetime as dt
import json
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
    InvalidAnswer,
    NoBranch,
    NotPending,
    SopDefinitionError,
    SopfsmError,
    UnknownQuestion,
)
from sopfsm.questions import Question
from sopfsm.spec import BranchSpec, SopSpec, StepSpec

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
        self._sop = sop
        try:
            self._machine: StateMachine = sop.machine()
        except InvalidDefinition as error:  # e.g. a guard named by a misspelled string
            raise SopDefinitionError(sop.sop_id, str(error)) from error
        self._step = sop.initial
        self._path: list[str] = [self._step.id]
        self._answers: list[AnswerRecord] = []
        self._answerers = dict(answerers or {})
        self._clock = clock
        for question_id in self._answerers:
            if sop.question(question_id) is None:
                raise UnknownQuestion(sop.sop_id, question_id, [q.id for q in sop.questions])

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
        question = sop.question(question_id)
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
        :class:`InvalidAnswer` or :class:`NoBranch`, each leaving the call unchanged; and
        :class:`AnswererError` if an answerer fails on the next question (the CSO's answer
        is then applied and that question stays pending for the CSO).
        """
        self._apply(question_id, value, self._clock(), BY_CSO)
        self.run_answerers()
        return self

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

    def run_answerers(self) -> None:
        """Let the answerers answer the pending question, for as long as they have one.

        :func:`sopfsm.start`, :meth:`answer` and :func:`sopfsm.restore` call it; call
        software calls it itself only after attaching answerers by hand.
        """
        while (question := self.pending) is not None and question.id in self._answerers:
            try:
                raw = self._answerers[question.id](self)
                if raw is None:
                    return
                self._apply(question.id, raw, self._clock(), BY_ANSWERER)
            except InvalidAnswer as error:
                raise AnswererError(question.id, error) from error
            except SopfsmError:
                raise
            except Exception as error:  # an answerer is foreign code; name its failure
                raise AnswererError(question.id, error) from error

    # -- saving ------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The call as a JSON-ready dict; :func:`sopfsm.restore` takes it back."""
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

    def to_json(self) -> str:
        """The call as JSON text, to store between requests and restore later."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    def __repr__(self) -> str:
        return f"<Call {self._sop.sop_id} at {self._step.id!r}>"


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
    call = Call(spec, answerers=answerers, clock=clock)
    call.run_answerers()
    return call
