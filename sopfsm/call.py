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

The call's record (:attr:`Call.entries`) is append-only: answers, corrections
(:meth:`Call.correct`), the customer's details (:meth:`Call.details`) and the wrap-up
(:meth:`Call.abandon`, :meth:`Call.close`), each with its time and who gave it. The
call's path, pending question, scripts and outcome are those of its effective answers
(:attr:`Call.answers`): every answer given, as corrected, less those retracted.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import warnings
from collections.abc import Callable, Mapping
from typing import Any, Final

import attrs
from statemachine import StateMachine
from statemachine.exceptions import InvalidDefinition

from sopfsm.answers import Value
from sopfsm.catalogue import FRONT_DOOR, all_sop_ids, find_sop, get_sop
from sopfsm.declare import ANSWER_EVENT, Script
from sopfsm.details import check_details, missing_details
from sopfsm.errors import (
    AnswererError,
    CallClosed,
    CallFinished,
    InvalidArgument,
    InvalidDetail,
    NoBranch,
    NotAnswered,
    NotPending,
    OutcomeChanged,
    ReentrantAnswer,
    SignatureError,
    SopDefinitionError,
    SopfsmError,
    UnknownQuestion,
    WrongStatus,
)
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.questions import Question
from sopfsm.signing import SigningKey, sign
from sopfsm.text import Text

Answerer = Callable[["Call"], object]
"""Call software's own answer to a question (the DTKS check for ``nik_eligible``).

It receives the call (whose :attr:`Call.answers` hold, e.g., the NIK) and returns the raw
answer, or None to leave the question to the CSO."""

Clock = Callable[[], dt.datetime]

FORMAT = "sopfsm.call"
FORMAT_VERSION = 1
"""The answers-only format: a save of version 1 holds the answers, nothing else. The
service's stored log is replayed through it until the stores keep the whole record."""
RECORD_FORMAT_VERSION = 2
"""What :meth:`Call.to_dict` writes: the call's whole record (corrections, details,
wrap-up), its status and its customer, besides what version 1 holds."""
BY_CSO = "cso"
BY_ANSWERER = "answerer"

OPEN: Final = "open"
DONE: Final = "done"
ABANDONED: Final = "abandoned"
STATUSES: Final = (OPEN, DONE, ABANDONED)

ABANDON_CODES: Final[Mapping[str, Text]] = {
    "dropped": Text(id="Sambungan terputus", en="Line dropped"),
    "hung_up": Text(id="Pelanggan menutup telepon", en="Customer hung up"),
    "transferred": Text(id="Dialihkan", en="Transferred"),
    "callback": Text(id="Akan ditelepon kembali", en="Callback"),
}
"""Why a call ended without an outcome (:meth:`Call.abandon`), with its labels."""
MAX_REASON: Final = 500
MAX_BY: Final = 100


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
class CorrectionRecord:
    """A correction: ``question``'s answer ``replaces`` became ``value``, by whom, when
    and why. ``retracted`` holds the later answers (question, value) the new path no
    longer asks; later answers it still asks stay. ``outcome_before`` and
    ``outcome_after`` are the call's outcome codes around it."""

    question: str
    value: Value
    replaces: Value
    reason: str
    retracted: tuple[tuple[str, Value], ...]
    outcome_before: str | None
    outcome_after: str | None
    at: dt.datetime
    by: str = BY_CSO

    @property
    def outcome_changed(self) -> bool:
        """The call had an outcome, and this correction changed (or removed) it."""
        return self.outcome_before is not None and self.outcome_before != self.outcome_after


@attrs.frozen
class DetailsRecord:
    """A change of the customer's details: each field given, its new value (None: cleared)."""

    fields: Mapping[str, str | None]
    at: dt.datetime
    by: str = BY_CSO


@attrs.frozen
class WrapUpRecord:
    """How the call was closed: ``abandon`` (with its code and note) or ``close``."""

    kind: str
    code: str | None
    note: str | None
    at: dt.datetime
    by: str = BY_CSO


Entry = AnswerRecord | CorrectionRecord | DetailsRecord | WrapUpRecord
"""One entry of a call's append-only record."""


def entry_dict(entry: Entry) -> dict[str, Any]:
    """One record entry as JSON, as saves write it."""
    at, by = entry.at.isoformat(), entry.by
    if isinstance(entry, AnswerRecord):
        return {"kind": "answer", "question": entry.question, "value": entry.value, "at": at,
                "by": by}  # fmt: skip
    if isinstance(entry, CorrectionRecord):
        return {
            "kind": "correction",
            "question": entry.question,
            "value": entry.value,
            "replaces": entry.replaces,
            "reason": entry.reason,
            "retracted": [{"question": q, "value": v} for q, v in entry.retracted],
            "outcome_before": entry.outcome_before,
            "outcome_after": entry.outcome_after,
            "at": at,
            "by": by,
        }
    if isinstance(entry, DetailsRecord):
        return {"kind": "details", "fields": dict(entry.fields), "at": at, "by": by}
    return {"kind": entry.kind, "code": entry.code, "note": entry.note, "at": at, "by": by}


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
        self._answers: list[AnswerRecord] = []  # the effective answers, in path order
        self._entries: list[Entry] = []  # the whole record, append-only
        self._customer: dict[str, str] = {}
        self._wrap_up: WrapUpRecord | None = None
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
    def status(self) -> str:
        """``open`` (no outcome yet), ``done`` (an outcome) or ``abandoned``."""
        if self._wrap_up is not None and self._wrap_up.kind == "abandon":
            return ABANDONED
        return DONE if self.done else OPEN

    @property
    def closed(self) -> bool:
        """Closed by :meth:`close` or :meth:`abandon`: nothing changes the call any more."""
        return self._wrap_up is not None

    @property
    def wrap_up(self) -> WrapUpRecord | None:
        return self._wrap_up

    @property
    def customer(self) -> Mapping[str, str]:
        """The customer's details given so far (:meth:`details`), normalised."""
        return dict(self._customer)

    @property
    def missing_details(self) -> tuple[str, ...]:
        """The details the outcome's APKT report needs and the call does not hold yet
        (:data:`sopfsm.details.REQUIRED_DETAILS`); () before the outcome."""
        outcome = self._step.outcome
        return missing_details(outcome, self._customer) if outcome else ()

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
        """The effective answers, in path order: as corrected, none retracted."""
        return tuple(self._answers)

    @property
    def entries(self) -> tuple[Entry, ...]:
        """The call's whole record, in the order it was written: answers, corrections,
        details and the wrap-up."""
        return tuple(self._entries)

    @property
    def corrections(self) -> tuple[CorrectionRecord, ...]:
        return tuple(e for e in self._entries if isinstance(e, CorrectionRecord))

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
        if self._wrap_up is not None:
            raise CallClosed(f"the answer to {question_id!r}", self.status)
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
        :class:`CallClosed`, :class:`InvalidAnswer`, :class:`NoBranch` or
        :class:`ReentrantAnswer`, each leaving the call unchanged; and
        :class:`AnswererError` if an answerer then fails on the next question: the CSO's
        answer (and every answerer's before it) stays applied, as its ``applied`` says,
        and that question stays pending for the CSO.
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
        """The clock's time, never before the record's last entry (an answer, a correction,
        details or a wrap-up): see :func:`in_answer_order`."""
        last = self._entries[-1].at if self._entries else None
        if self._answers and (last is None or self._answers[-1].at > last):
            last = self._answers[-1].at
        return in_answer_order(self._now(), last)

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
        record = AnswerRecord(question_id, coerced, at, by)
        self._answers.append(record)
        self._entries.append(record)

    def _run_answerers(self, applied: list[str]) -> None:
        while (
            (question := self.pending) is not None
            and question.id in self._answerers
            and self._wrap_up is None
        ):
            try:
                raw = self._answerers[question.id](self)
                if raw is None:
                    return
                self._apply(question.id, raw, self._answer_time(), BY_ANSWERER)
            except Exception as error:  # an answerer is foreign code; name its failure
                raise AnswererError(question.id, error, applied) from error
            applied.append(question.id)

    # -- corrections -------------------------------------------------------------------

    def correct(
        self, question_id: str, value: object, *, reason: str, by: str = BY_CSO
    ) -> CorrectionRecord:
        """Change the answer already given to ``question_id``; returns the correction.

        The call goes back to that question, takes ``value``, and re-applies the later
        answers the new path still asks, in order; the others are retracted in the same
        entry. Answers an answerer gave after the question are retracted and its
        answerers asked again, since they follow from the answers before them.

        Allowed after the outcome until the call is closed; a correction that changes
        the outcome warns :class:`~sopfsm.errors.OutcomeChanged` and says so in its
        ``outcome_changed``. Refused, changing nothing: :class:`UnknownQuestion`,
        :class:`NotAnswered` (a question with no answer in this call),
        :class:`InvalidAnswer` (as an answer would be), :class:`NoBranch`,
        :class:`InvalidDetail` (an empty or over-long ``reason`` or ``by``) and
        :class:`CallClosed`.
        """
        with self._lock, self._applying_answer(question_id):
            record = self._correct(question_id, value, reason, self._answer_time(), by)
            try:
                self._run_answerers([])
            finally:
                if record.outcome_changed:
                    after = self._step.outcome
                    warnings.warn(
                        OutcomeChanged(record.question, record.outcome_before, after), stacklevel=2
                    )
        return record

    def _correct(
        self, question_id: str, value: object, reason: object, at: dt.datetime, by: object
    ) -> CorrectionRecord:
        sop = self._sop
        question = sop.question(question_id) if isinstance(question_id, str) else None
        if question is None:
            raise UnknownQuestion(sop.sop_id, question_id, [q.id for q in sop.questions])
        if self._wrap_up is not None:
            raise CallClosed(f"the correction of {question_id!r}", self.status)
        given = [r.question for r in self._answers]
        if question_id not in given:
            raise NotAnswered(question_id, given)
        coerced = question.coerce(value)
        why = _bounded_line("reason", reason, MAX_REASON)
        who = _bounded_line("by", by, MAX_BY)
        index = given.index(question_id)
        later = self._answers[index + 1 :]
        # Replayed on a machine of its own, so that a refusal leaves this call as it was.
        replay = Call(sop, clock=self._clock)
        for record in self._answers[:index]:
            replay._apply(record.question, record.value, record.at, record.by)
        # The answer itself stays the CSO's (as against an answerer's); who corrected it
        # is the correction's.
        replay._apply(question_id, coerced, at, BY_CSO)
        kept = {r.question: r for r in later if r.by != BY_ANSWERER}
        while (pending := replay.pending) is not None and pending.id in kept:
            record = kept.pop(pending.id)
            replay._apply(record.question, record.value, record.at, record.by)
        applied = {r.question for r in replay._answers}
        correction = CorrectionRecord(
            question=question_id,
            value=coerced,
            replaces=self._answers[index].value,
            reason=why,
            retracted=tuple((r.question, r.value) for r in later if r.question not in applied),
            outcome_before=self._step.outcome,
            outcome_after=replay._step.outcome,
            at=at,
            by=who,
        )
        self._machine, self._step = replay._machine, replay._step
        self._path, self._answers = replay._path, replay._answers
        self._entries.append(correction)
        return correction

    # -- the customer and the wrap-up --------------------------------------------------

    def details(
        self,
        *,
        idpel: str | None = None,
        meter: str | None = None,
        name: str | None = None,
        phone: str | None = None,
        address: str | None = None,
        note: str | None = None,
        by: str = BY_CSO,
    ) -> DetailsRecord | None:
        """Give or change the customer's details, at any point until the call is closed.

        Each given detail is checked (:mod:`sopfsm.details`): the IDPEL has 12 digits,
        the meter number 11 or 12, the phone is an Indonesian number (stored in E.164),
        name, address and note are bounded text; ``""`` clears a detail. A refusal
        (:class:`InvalidDetail`, naming the field) stores nothing. Returns the entry
        logged, or None when no detail changed.
        """
        given = {
            field: raw
            for field, raw in (
                ("idpel", idpel),
                ("meter", meter),
                ("name", name),
                ("phone", phone),
                ("address", address),
                ("note", note),
            )
            if raw is not None
        }
        with self._lock:
            return self._set_details(given, self._answer_time(), by)

    def _set_details(
        self, given: Mapping[str, object], at: dt.datetime, by: object
    ) -> DetailsRecord | None:
        if self._wrap_up is not None:
            raise CallClosed("a change of the customer's details", self.status)
        checked = check_details(given)
        who = _bounded_line("by", by, MAX_BY)
        changed = {f: v for f, v in checked.items() if self._customer.get(f) != v}
        if not changed:
            return None
        record = DetailsRecord(changed, at, who)
        for field, value in changed.items():
            if value is None:
                self._customer.pop(field, None)
            else:
                self._customer[field] = value
        self._entries.append(record)
        return record

    def abandon(self, code: str, *, note: str | None = None, by: str = BY_CSO) -> WrapUpRecord:
        """End a call that has no outcome: ``code`` is one of :data:`ABANDON_CODES`
        (``dropped``, ``hung_up``, ``transferred``, ``callback``). The call is then
        ``abandoned`` and closed. Refused, changing nothing: an unknown code or an
        over-long note (:class:`InvalidDetail`), a call with its outcome
        (:class:`WrongStatus`: close it) or already closed (:class:`CallClosed`)."""
        with self._lock:
            return self._end("abandon", code, note, self._answer_time(), by)

    def close(self, *, by: str = BY_CSO) -> WrapUpRecord:
        """Close a call that has its outcome: no answer, correction or detail after it.
        Refused by :class:`WrongStatus` on an open call (abandon it instead) and by
        :class:`CallClosed` on a closed one."""
        with self._lock:
            return self._end("close", None, None, self._answer_time(), by)

    def _end(
        self, kind: str, code: object, note: object, at: dt.datetime, by: object
    ) -> WrapUpRecord:
        if self._wrap_up is not None:
            raise CallClosed("abandoning" if kind == "abandon" else "closing", self.status)
        if kind == "abandon":
            if self.done:
                raise WrongStatus("abandon", DONE, OPEN)
            if not isinstance(code, str) or code not in ABANDON_CODES:
                accepted = Text(
                    id=", ".join(f"{c} ({t.id})" for c, t in ABANDON_CODES.items()),
                    en=", ".join(f"{c} ({t.en})" for c, t in ABANDON_CODES.items()),
                )
                reason = Text(id="kode tidak dikenal", en="not a wrap-up code")
                raise InvalidDetail("code", code, reason, accepted)
            reason_code: str | None = code
            checked_note = None if note is None else check_details({"note": note})["note"]
        elif not self.done:
            raise WrongStatus("close", OPEN, DONE)
        else:
            reason_code = checked_note = None
        who = _bounded_line("by", by, MAX_BY)
        record = WrapUpRecord(kind, reason_code, checked_note, at, who)
        self._wrap_up = record
        self._entries.append(record)
        return record

    # -- copies ------------------------------------------------------------------------

    def __copy__(self) -> Call:
        """An independent call with its own machine, at the same step with the same history."""
        with self._lock:
            copy = Call(self._sop, answerers=self._answerers, clock=self._clock)
            for entry in self._entries:
                copy.replay(entry)
            return copy

    def replay(self, entry: Entry) -> Entry | None:
        """Apply one entry of another call's record as it was written (its time and who);
        returns the entry this call wrote for it. Answerers are not run: their answers
        are entries of the record. :func:`sopfsm.restore` rebuilds a call this way."""
        if isinstance(entry, AnswerRecord):
            self._apply(entry.question, entry.value, entry.at, entry.by)
            return self._entries[-1]
        if isinstance(entry, CorrectionRecord):
            return self._correct(entry.question, entry.value, entry.reason, entry.at, entry.by)
        if isinstance(entry, DetailsRecord):
            return self._set_details(
                {f: "" if v is None else v for f, v in entry.fields.items()}, entry.at, entry.by
            )
        return self._end(entry.kind, entry.code, entry.note, entry.at, entry.by)

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
            "format_version": RECORD_FORMAT_VERSION,
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
            "status": self.status,
            "closed": self.closed,
            "customer": dict(self._customer),
            "record": [entry_dict(entry) for entry in self._entries],
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
    at: dt.datetime | None = None,
    version: str | None = None,
) -> Call:
    """Start a guided call on the SOP ``sop`` (a catalogue id, or a :class:`SopSpec`);
    by default at the front door, which asks the customer's matter first. An id is looked
    up in the catalogue only, never read as a file (load one with
    :func:`sopfsm.formats.load_sop`).

    A catalogue id takes the version in force now, or at ``at``, or the version
    ``version``; the call keeps it to its end, whatever takes effect meanwhile.
    A :class:`SopSpec` is taken as it is, unless ``at`` or ``version`` asks for another
    version of its id. ``answerers`` maps question ids to call software's own answers
    (e.g. the DTKS check for ``nik_eligible``); those questions are not put to the CSO.
    Raises :class:`UnknownSop`, :class:`NoVersionInForce`, :class:`InvalidVersion` or,
    for an answerer of an unknown question, :class:`UnknownQuestion`.
    """
    if isinstance(sop, str) and sop in all_sop_ids():
        # The real now, not ``clock``: a test's clock ticks for answers alone.
        spec: SopSpec = find_sop(sop, version=version, at=at)
    elif isinstance(sop, str):  # a SOP file, or an unknown id refused naming the known
        spec = get_sop(sop)
    elif isinstance(sop, SopSpec) and (at is not None or version is not None):
        spec = find_sop(sop.sop_id, version=version, at=at)
    else:
        spec = sop
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


def _bounded_line(field: str, raw: object, limit: int) -> str:
    """A correction's reason or who gave an entry: one line of text, not empty."""
    accepted = Text(
        id=f"teks satu baris, 1 sampai {limit} karakter",
        en=f"one line of text, 1 to {limit} characters",
    )
    if not isinstance(raw, str):
        reason = Text(id="harus berupa teks", en="must be text")
        raise InvalidDetail(field, raw, reason, accepted)
    text = raw.strip()
    if not text or len(text) > limit or not text.isprintable():
        reason = Text(id="kosong, terlalu panjang atau lebih dari satu baris",
                      en="empty, too long or more than one line")  # fmt: skip
        raise InvalidDetail(field, raw, reason, accepted)
    return text


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
