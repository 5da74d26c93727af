"""The call store's contract: what the service and QA read and write, whatever the backend.

A call is kept as its record, append-only, beside the state the log replays to (its
step, path and outcome), which the service checks by replaying the log through
:func:`sopfsm.restore` every time it loads the call. The log is the record (answers, and
the corrections, details changes and wrap-up written after them as entries of their own,
never as changes to an earlier entry); the state is an index for filtering and a
cross-check.

Answers to one call are serialised by revision: :meth:`CallStore.append` applies a change
only if the call is still at the revision the caller read, atomically, and otherwise
raises :class:`~sopfsm.errors.StaleRevision` and changes nothing.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any, Protocol, TypeVar

import attrs

from sopfsm.answers import Value

PAGE_LIMIT = 1000
STREAM_BATCH = 500


@attrs.frozen
class LoggedAnswer:
    """One answer in a call's log: the question, the accepted value, who gave it and when.

    ``by`` is the call's own record of who answered (``cso`` or ``answerer``); ``agent``
    is the service's: the agent id of the token that sent the answer.
    """

    question: str
    value: Value
    agent: str
    at: dt.datetime
    by: str = "cso"


ENTRY_KINDS = ("correction", "details", "abandon", "close")
"""The kinds of record entry a log holds besides answers."""


@attrs.frozen
class LoggedEntry:
    """An entry of a call's record other than an answer: a correction, a change of the
    customer's details, or the wrap-up (``abandon`` or ``close``).

    ``body`` is the entry as a saved call writes it (:func:`sopfsm.call.entry_dict`),
    less its ``kind``, ``at`` and ``by``; ``agent`` is the service's, as for answers.
    """

    kind: str
    body: Mapping[str, Any]
    agent: str
    at: dt.datetime
    by: str = "cso"


Logged = LoggedAnswer | LoggedEntry
"""One entry of a stored call's log."""


@attrs.frozen
class CallState:
    """Where a call's log takes it: its step, the steps visited, and its outcome code."""

    step: str
    path: tuple[str, ...]
    outcome: str | None


REPORT_KINDS = ("report", "withdrawal")
DELIVERY_STATES = ("pending", "delivered", "dead")
"""A report revision waits to be sent (``pending``, also while being sent and between
attempts), was answered 2xx (``delivered``), or will not be sent again unless retried by
hand (``dead``)."""


@attrs.frozen
class ReportChange:
    """A new revision of a call's APKT report (or its withdrawal), written in the same
    transaction as the change of the call that made it; the store numbers it."""

    report_id: str
    kind: str
    body: Mapping[str, Any]


@attrs.frozen
class ReportStatus:
    """Where a call's APKT report stands: its latest revision and that revision's delivery."""

    report_id: str
    revision: int
    kind: str
    state: str


@attrs.frozen
class Delivery:
    """One revision of an APKT report in the outbox, and how its delivery is going.

    ``claims`` counts the times a deliverer took it; an attempt's result is kept only by
    the deliverer holding the latest claim (:meth:`CallStore.settle`).
    """

    id: int
    report_id: str
    revision: int
    call_id: str
    kind: str
    body: Mapping[str, Any]
    state: str
    attempts: int
    created: dt.datetime
    next_at: dt.datetime
    claims: int = 0
    delivered_at: dt.datetime | None = None
    last_status: int | None = None
    last_error: str | None = None
    purged_at: dt.datetime | None = None

    @property
    def idempotency_key(self) -> str:
        """The same for every attempt of this revision: the receiver deduplicates by it."""
        return f"{self.report_id}:{self.revision}"

    def payload(self) -> dict[str, Any]:
        """The document as sent: the report (or withdrawal) with its revision."""
        return {**self.body, "revision": self.revision}


@attrs.frozen
class Settlement:
    """What one delivery attempt came to: ``delivered``, ``pending`` again (a retry at
    ``next_at``) or ``dead``; the receiver's status and what went wrong, if anything."""

    state: str
    at: dt.datetime
    attempts: int
    next_at: dt.datetime | None = None
    status: int | None = None
    error: str | None = None


@attrs.frozen
class StoredCall:
    """A call as the store holds it. ``seq`` orders calls by creation, store-wide."""

    id: str
    sop: str
    version: str
    agent: str
    created: dt.datetime
    updated: dt.datetime
    state: CallState
    log: tuple[Logged, ...]
    seq: int = 0
    report: ReportStatus | None = None

    @property
    def revision(self) -> int:
        """The number of entries applied: what a change must name to be applied."""
        return len(self.log)

    @property
    def answers_only(self) -> bool:
        """The log holds answers and nothing else, as every log kept before corrections."""
        return all(isinstance(entry, LoggedAnswer) for entry in self.log)


@attrs.frozen
class PersonalRead:
    """One read of a call's full record (personal data included) by ``qa`` or a
    ``supervisor``: who, in which role, which call, when."""

    agent: str
    role: str
    call_id: str
    at: dt.datetime


@attrs.frozen
class CallFilter:
    """Which calls to list: each field that is not None must match."""

    sop: str | None = None
    outcome: str | None = None
    agent: str | None = None
    since: dt.datetime | None = None
    until: dt.datetime | None = None

    def matches(self, call: StoredCall) -> bool:
        return (
            (self.sop is None or call.sop == self.sop)
            and (self.outcome is None or call.state.outcome == self.outcome)
            and (self.agent is None or call.agent == self.agent)
            and (self.since is None or call.created >= self.since)
            and (self.until is None or call.created < self.until)
        )


@attrs.frozen
class ClauseScore:
    """A trainee's moves of one practice run that one clause decides, and how many were right."""

    clause: str
    right: int
    total: int


@attrs.frozen
class PracticeResult:
    """One finished practice run: who ran it, in which cohort, and its score by clause.

    ``seq`` orders results store-wide (assigned when kept)."""

    agent: str
    cohort: str
    scenario: str
    seed: int
    at: dt.datetime
    scores: tuple[ClauseScore, ...]
    seq: int = 0


class CallStore(Protocol):
    """A durable home for calls. Every method is safe to call from many threads."""

    @property
    def where(self) -> str:
        """The store, as a person reads it: a file path or a server, never a password."""

    def create(self, call: StoredCall, report: ReportChange | None = None) -> StoredCall:
        """Keep a new call (its ``seq`` is assigned) and, if given, the first revision of
        its report, in one transaction; committed durably before returning."""

    def create_soon(
        self, call: StoredCall, report: ReportChange | None = None
    ) -> concurrent.futures.Future[StoredCall]:
        """:meth:`create`, begun now and finished off the caller's thread, as
        :meth:`append_soon` is :meth:`append`."""

    def get(self, call_id: str) -> StoredCall:
        """The call ``call_id``, or :class:`~sopfsm.errors.UnknownCall`."""

    def append(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> StoredCall:
        """Add ``answers`` (answers and other entries) to the log of ``call`` (as the
        caller read it), and its new state, and the new revision of its report if the
        change made one: all in one transaction, so a report exists exactly when the
        change that made it does.

        Applied only if the stored call is still at ``call.revision``, atomically and
        durably before returning: the call as it now stands (``call`` with the answers,
        since an append-only log at the same revision is the same log). Otherwise
        :class:`~sopfsm.errors.StaleRevision`, and nothing changed;
        :class:`~sopfsm.errors.UnknownCall` if there is no such call.
        """

    def append_soon(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> concurrent.futures.Future[StoredCall]:
        """:meth:`append`, begun now and finished off the caller's thread: the future
        holds what ``append`` returns, or its error. The service's event loop awaits it,
        so that an answer to a call it holds waits for no thread of its own, and the
        store gathers the appends waiting together into one commit. A refusal found
        before anything is written (text that is not UTF-8) is raised at once."""

    def page(self, where: CallFilter, before: int | None, limit: int) -> list[StoredCall]:
        """Up to ``limit`` matching calls, newest first, each with ``seq < before``."""

    def calls(self, where: CallFilter | None = None) -> Iterator[StoredCall]:
        """Every matching call with its log, oldest first, read in batches (for QA)."""

    def add_practice_result(self, result: PracticeResult) -> PracticeResult:
        """Keep a finished practice run (its ``seq`` is assigned), durably before returning."""

    def practice_results(self, cohort: str | None = None) -> list[PracticeResult]:
        """Every kept practice run, of ``cohort`` when given, oldest first."""

    def record_read(self, read: PersonalRead) -> None:
        """Keep ``read``, committed durably before returning."""

    def reads(
        self, call_id: str | None = None, limit: int = 100, agent: str | None = None
    ) -> list[PersonalRead]:
        """Up to ``limit`` recorded reads (of the call ``call_id``, and by ``agent``, if
        given), newest first."""

    def redact(
        self,
        call: StoredCall,
        values: Mapping[int, Value],
        at: dt.datetime,
        *,
        entries: Mapping[int, Mapping[str, Any]] | None = None,
        reports: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        """Purge ``call`` of personal data, in one transaction: replace the values of its
        answers at the given revisions, the bodies of its other record ``entries`` at
        theirs, and the documents of its report revisions ``reports`` (by delivery id; each
        delivered or dead), recording each purge and when. The only change ever made to a
        record entry or a report's document; a purged revision is never sent again.
        :class:`~sopfsm.errors.UnknownCall` if there is no such call,
        :class:`~sopfsm.errors.StoreError` if a report revision is still pending."""

    def claim(self, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[Delivery]:
        """Up to ``limit`` report revisions due at ``now``, each taken for ``lease``: none
        another deliverer holds, and none while an earlier revision of its report is still
        pending, so that a report's revisions leave in order and never two at once."""

    def settle(self, delivery: Delivery, result: Settlement) -> bool:
        """Keep what an attempt at ``delivery`` (as claimed) came to; False, and nothing
        kept, if another deliverer has claimed it since (its lease ran out)."""

    def deliveries(
        self, state: str | None = None, before: int | None = None, limit: int = 100
    ) -> list[Delivery]:
        """Up to ``limit`` report revisions (in ``state``, if given), newest first, each
        with an id below ``before``."""

    def delivery(self, delivery_id: int) -> Delivery:
        """The report revision ``delivery_id``, or :class:`~sopfsm.errors.UnknownDelivery`."""

    def retry(self, delivery_id: int, now: dt.datetime) -> Delivery:
        """Make a dead (or waiting) delivery due at ``now`` with its attempts counted
        afresh; :class:`~sopfsm.errors.AlreadyDelivered` for a delivered one,
        :class:`~sopfsm.errors.ReportPurged` for one purged of personal data. A delivery
        in flight keeps its lease: it is sent again only once that attempt is over."""

    def check(self) -> None:
        """Raise :class:`~sopfsm.errors.StoreError` unless the store answers now."""

    def durability(self) -> dict[str, str]:
        """The settings that make commits durable, read back from the store itself."""

    def close(self) -> None:
        """Release connections and threads; the store is unusable afterwards."""


T = TypeVar("T")


def done_now(work: Callable[[], T]) -> concurrent.futures.Future[T]:
    """A future already holding what ``work`` returns, or the error it raises: the
    :meth:`CallStore.append_soon` of a store whose writes do not wait for a disk."""
    done: concurrent.futures.Future[T] = concurrent.futures.Future()
    try:
        done.set_result(work())
    except Exception as error:
        done.set_exception(error)
    return done


def check_storable(
    where: str, call: StoredCall, answers: Sequence[Logged] = (), *, with_log: bool = True
) -> None:
    """Refuse (:class:`~sopfsm.errors.StoreError`, nothing kept) any text of a call that is
    not UTF-8: a lone surrogate (``"\\ud800"``), which is no character, which the HTTP
    API refuses at its door, and which no database text column holds. JSON would keep it
    as an escape, but would read a surrogate pair back as the one character it encodes:
    not the text that was given. An append writes the call's new state and ``answers``,
    never the log it was read with: it passes ``with_log=False``, so that the check costs
    what the change writes, not the length of the call."""
    items = (*call.log, *answers) if with_log else tuple(answers)
    state = call.state
    texts = [call.id, call.sop, call.version, call.agent, state.step, *state.path]
    if state.outcome is not None:
        texts.append(state.outcome)
    for item in items:
        texts += (item.agent, item.by)
        if isinstance(item, LoggedAnswer):
            texts.append(item.question)
            if isinstance(item.value, str):
                texts.append(item.value)
        else:
            texts += (item.kind, json.dumps(item.body, ensure_ascii=False))
    if not is_utf8("".join(texts)):  # one encoding of them all: the usual case, and cheap
        _refuse_text(where, call, items)


def _refuse_text(where: str, call: StoredCall, items: Sequence[Logged]) -> None:
    """The :class:`~sopfsm.errors.StoreError` naming the first text that is not UTF-8."""
    from sopfsm.errors import StoreError

    texts: list[tuple[str, object]] = [
        ("id", call.id),
        ("sop", call.sop),
        ("version", call.version),
        ("agent", call.agent),
        ("step", call.state.step),
        ("outcome", call.state.outcome),
        *(("path", step) for step in call.state.path),
    ]
    for item in items:
        texts += [("agent", item.agent), ("by", item.by)]
        if isinstance(item, LoggedAnswer):
            texts += [("question", item.question), (f"value of {item.question!r}", item.value)]
        else:  # a correction, details or wrap-up: every text of its body
            texts += [(item.kind, json.dumps(item.body, ensure_ascii=False)), ("kind", item.kind)]
    for name, text in texts:
        if isinstance(text, str) and not is_utf8(text):
            raise StoreError(
                where, f"{name} {json.dumps(text)[:80]} is not UTF-8 text (a lone surrogate)"
            )


def is_utf8(text: str) -> bool:
    """Whether ``text`` can be written as UTF-8: it holds no lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def check_page(before: int | None, limit: int) -> None:
    if limit < 1 or limit > PAGE_LIMIT:
        raise ValueError(f"limit must be 1 to {PAGE_LIMIT}, not {limit}")
    if before is not None and before < 1:
        raise ValueError(f"before must be a positive sequence number, not {before}")
