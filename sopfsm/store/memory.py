"""A call store in memory: the double that tests and ``--store memory:`` use.

It keeps the contract (atomic, revision-checked appends; newest-first pages) under one
lock, and keeps nothing when the process ends.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Iterator, Mapping, Sequence

import attrs

from sopfsm.answers import Value
from sopfsm.errors import StaleRevision, StoreError, UnknownCall
from sopfsm.store.base import (
    STREAM_BATCH,
    CallFilter,
    CallState,
    Logged,
    LoggedAnswer,
    PersonalRead,
    PracticeResult,
    StoredCall,
    check_page,
    check_storable,
)


class MemoryStore:
    """Every call in a dict; nothing survives the process."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: dict[str, StoredCall] = {}
        self._order: list[str] = []
        self._practice: list[PracticeResult] = []
        self._reads: list[PersonalRead] = []
        self._closed = False

    @property
    def where(self) -> str:
        return "memory (kept only while the process runs)"

    def create(self, call: StoredCall) -> StoredCall:
        check_storable(self.where, call)
        with self._lock:
            self._open()
            if call.id in self._calls:
                raise StoreError(self.where, f"call {call.id!r} already exists")
            kept = attrs.evolve(call, seq=len(self._order) + 1)
            self._calls[call.id] = kept
            self._order.append(call.id)
            return kept

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
    ) -> StoredCall:
        check_storable(self.where, call, answers)
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
            self._calls[call.id] = kept
            return kept

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

    def reads(self, call_id: str | None = None, limit: int = 100) -> list[PersonalRead]:
        with self._lock:
            self._open()
            found = [r for r in reversed(self._reads) if call_id in (None, r.call_id)]
            return found[:limit]

    def redact(self, call: StoredCall, values: Mapping[int, Value], at: dt.datetime) -> None:
        with self._lock:
            self._open()
            current = self._calls.get(call.id)
            if current is None:
                raise UnknownCall(call.id)
            log = tuple(
                attrs.evolve(a, value=values[n])
                if n in values and isinstance(a, LoggedAnswer)
                else a
                for n, a in enumerate(current.log, start=1)
            )
            self._calls[call.id] = attrs.evolve(current, log=log)

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
