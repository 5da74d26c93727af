"""A call store in memory: the double that tests and ``--store memory:`` use.

It keeps the contract (atomic, revision-checked appends; newest-first pages) under one
lock, and keeps nothing when the process ends.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import threading
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import attrs

from sopfsm.answers import Value
from sopfsm.errors import (
    AlreadyDelivered,
    ReportPurged,
    StaleRevision,
    StoreError,
    UnknownCall,
    UnknownDelivery,
)
from sopfsm.store.base import (
    STREAM_BATCH,
    CallFilter,
    CallState,
    Delivery,
    Logged,
    LoggedAnswer,
    LoggedEntry,
    PersonalRead,
    PracticeResult,
    ReportChange,
    ReportStatus,
    Settlement,
    StoredCall,
    check_page,
    check_storable,
    done_now,
)


def settled(delivery: Delivery, result: Settlement) -> Delivery:
    """``delivery`` as ``result`` leaves it."""
    return attrs.evolve(
        delivery,
        state=result.state,
        attempts=result.attempts,
        next_at=result.next_at or delivery.next_at,
        delivered_at=result.at if result.state == "delivered" else delivery.delivered_at,
        last_status=result.status,
        last_error=result.error,
    )


class MemoryStore:
    """Every call in a dict; nothing survives the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, StoredCall] = {}
        self._order: list[str] = []
        self._practice: list[PracticeResult] = []
        self._reads: list[PersonalRead] = []
        self._outbox: list[Delivery] = []  # a delivery's id is its place here, from 1
        self._revisions: dict[str, int] = {}  # each report's latest revision in the outbox
        self._leases: dict[int, dt.datetime] = {}
        self._closed = False

    @property
    def where(self) -> str:
        return "memory (kept only while the process runs)"

    def create(self, call: StoredCall, report: ReportChange | None = None) -> StoredCall:
        check_storable(self.where, call)
        with self._lock:
            self._open()
            if call.id in self._calls:
                raise StoreError(self.where, f"call {call.id!r} already exists")
            kept = attrs.evolve(call, seq=len(self._order) + 1)
            if report is not None:
                kept = attrs.evolve(kept, report=self._enqueue(kept, report, call.updated))
            self._calls[call.id] = kept
            self._order.append(call.id)
            return kept

    def create_soon(
        self, call: StoredCall, report: ReportChange | None = None
    ) -> concurrent.futures.Future[StoredCall]:
        check_storable(self.where, call)
        return done_now(lambda: self.create(call, report))

    def get(self, call_id: str) -> StoredCall:
        with self._lock:
            self._open()
            try:
                return self._calls[call_id]
            except KeyError:
                raise UnknownCall(call_id) from None

    def append(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> StoredCall:
        check_storable(self.where, call, answers, with_log=False)
        with self._lock:
            self._open()
            current = self._calls.get(call.id)
            if current is None:
                raise UnknownCall(call.id)
            if current.revision != call.revision:
                raise StaleRevision(call.id, call.revision, current.revision)
            kept = attrs.evolve(
                current, log=current.log + tuple(answers), state=state, updated=updated
            )
            if report is not None:
                kept = attrs.evolve(kept, report=self._enqueue(kept, report, updated))
            self._calls[call.id] = kept
            return kept

    def append_soon(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> concurrent.futures.Future[StoredCall]:
        check_storable(self.where, call, answers, with_log=False)
        return done_now(lambda: self.append(call, answers, state, updated, report))

    def _enqueue(self, call: StoredCall, report: ReportChange, at: dt.datetime) -> ReportStatus:
        revision = self._revisions[report.report_id] = 1 + self._revisions.get(report.report_id, 0)
        self._outbox.append(
            Delivery(
                id=len(self._outbox) + 1,
                report_id=report.report_id,
                revision=revision,
                call_id=call.id,
                kind=report.kind,
                body=report.body,
                state="pending",
                attempts=0,
                created=at,
                next_at=at,
            )
        )
        return ReportStatus(report.report_id, revision, report.kind, "pending")

    # -- the outbox --------------------------------------------------------------------

    def claim(self, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[Delivery]:
        with self._lock:
            self._open()
            taken: list[Delivery] = []
            waiting: set[str] = set()  # reports with an earlier revision still pending
            for d in sorted(self._outbox, key=lambda d: (d.report_id, d.revision)):
                if d.state != "pending":
                    continue
                if d.report_id in waiting:
                    continue
                waiting.add(d.report_id)
                held = self._leases.get(d.id)
                if d.next_at <= now and (held is None or held <= now):
                    taken.append(d)
            taken.sort(key=lambda d: (d.next_at, d.id))
            claimed = []
            for due in taken[:limit]:
                d = attrs.evolve(due, claims=due.claims + 1)
                self._outbox[d.id - 1] = d
                self._leases[d.id] = now + lease
                claimed.append(d)
            return claimed

    def settle(self, delivery: Delivery, result: Settlement) -> bool:
        with self._lock:
            self._open()
            current = self._outbox[delivery.id - 1]
            if current.claims != delivery.claims or current.state != "pending":
                return False
            self._outbox[delivery.id - 1] = settled(current, result)
            self._leases.pop(delivery.id, None)
            self._restatus(current.call_id)
            return True

    def deliveries(
        self, state: str | None = None, before: int | None = None, limit: int = 100
    ) -> list[Delivery]:
        with self._lock:
            self._open()
            found = [
                d
                for d in reversed(self._outbox)
                if state in (None, d.state) and (before is None or d.id < before)
            ]
            return found[:limit]

    def delivery(self, delivery_id: int) -> Delivery:
        with self._lock:
            self._open()
            if not 1 <= delivery_id <= len(self._outbox):
                raise UnknownDelivery(delivery_id)
            return self._outbox[delivery_id - 1]

    def retry(self, delivery_id: int, now: dt.datetime) -> Delivery:
        with self._lock:
            self._open()
            if not 1 <= delivery_id <= len(self._outbox):
                raise UnknownDelivery(delivery_id)
            current = self._outbox[delivery_id - 1]
            if current.state == "delivered":
                raise AlreadyDelivered(current.id, current.report_id, current.revision)
            if current.purged_at is not None:
                raise ReportPurged(current.id, current.report_id, current.revision)
            again = attrs.evolve(current, state="pending", attempts=0, next_at=now)
            self._outbox[delivery_id - 1] = again
            self._restatus(current.call_id)
            return again

    def _restatus(self, call_id: str) -> None:
        """The call's report status, after a delivery of its report changed."""
        call = self._calls.get(call_id)
        if call is None or call.report is None:
            return
        latest = max(
            (d for d in self._outbox if d.report_id == call.report.report_id),
            key=lambda d: d.revision,
        )
        status = ReportStatus(latest.report_id, latest.revision, latest.kind, latest.state)
        self._calls[call_id] = attrs.evolve(call, report=status)

    def page(self, where: CallFilter, before: int | None, limit: int) -> list[StoredCall]:
        check_page(before, limit)
        with self._lock:
            self._open()
            top = len(self._order) if before is None else min(before - 1, len(self._order))
            found = []
            for seq in range(top, 0, -1):
                call = self._calls[self._order[seq - 1]]
                if where.matches(call):
                    found.append(call)
                    if len(found) == limit:
                        break
            return found

    def calls(self, where: CallFilter | None = None) -> Iterator[StoredCall]:
        where = where or CallFilter()
        after = 0
        while True:
            with self._lock:
                self._open()
                batch = [self._calls[i] for i in self._order[after : after + STREAM_BATCH]]
            if not batch:
                return
            after += len(batch)
            yield from (call for call in batch if where.matches(call))

    def add_practice_result(self, result: PracticeResult) -> PracticeResult:
        with self._lock:
            self._open()
            kept = attrs.evolve(result, seq=len(self._practice) + 1)
            self._practice.append(kept)
            return kept

    def practice_results(self, cohort: str | None = None) -> list[PracticeResult]:
        with self._lock:
            self._open()
            return [r for r in self._practice if cohort is None or r.cohort == cohort]

    def record_read(self, read: PersonalRead) -> None:
        with self._lock:
            self._open()
            self._reads.append(read)

    def reads(
        self, call_id: str | None = None, limit: int = 100, agent: str | None = None
    ) -> list[PersonalRead]:
        with self._lock:
            self._open()
            found = [
                r
                for r in reversed(self._reads)
                if call_id in (None, r.call_id) and agent in (None, r.agent)
            ]
            return found[:limit]

    def redact(
        self,
        call: StoredCall,
        values: Mapping[int, Value],
        at: dt.datetime,
        *,
        entries: Mapping[int, Mapping[str, Any]] | None = None,
        reports: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        bodies = entries or {}
        with self._lock:
            self._open()
            current = self._calls.get(call.id)
            if current is None:
                raise UnknownCall(call.id)
            for delivery_id in reports or {}:
                found = self._outbox[delivery_id - 1]
                if found.call_id != call.id or found.state == "pending":
                    raise StoreError(self.where, f"not purged: delivery {delivery_id} is pending")
            log = tuple(
                attrs.evolve(a, value=values[n])
                if n in values and isinstance(a, LoggedAnswer)
                else attrs.evolve(a, body=dict(bodies[n]))
                if n in bodies and isinstance(a, LoggedEntry)
                else a
                for n, a in enumerate(current.log, start=1)
            )
            self._calls[call.id] = attrs.evolve(current, log=log)
            for delivery_id, document in (reports or {}).items():
                found = self._outbox[delivery_id - 1]
                self._outbox[delivery_id - 1] = attrs.evolve(
                    found, body=dict(document), purged_at=at
                )

    def check(self) -> None:
        with self._lock:
            self._open()

    def durability(self) -> dict[str, str]:
        return {}

    def close(self) -> None:
        with self._lock:
            self._closed = True

    def _open(self) -> None:
        if self._closed:
            raise StoreError(self.where, "closed")
