"""The reads both SQL stores make alike: one call, a page of calls, every call in batches.

The stores differ only in their parameter placeholder (``?`` or ``%s``), in how a time is
passed as a parameter, and in how one query is run in a snapshot (their ``_read``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any, ClassVar

from sopfsm.errors import UnknownCall
from sopfsm.store.base import STREAM_BATCH, CallFilter, StoredCall, check_page, is_utf8


class SqlReads:
    """Mixin of a SQL store: ``get``, ``page`` and ``calls`` built on its ``_read``."""

    placeholder: ClassVar[str]

    def _read(self, where: str, params: list[Any], order: str) -> list[StoredCall]:
        raise NotImplementedError  # pragma: no cover - each store runs its own snapshot

    def _time_param(self, at: dt.datetime) -> object:
        return at

    def get(self, call_id: str) -> StoredCall:
        if not is_utf8(call_id):  # no call is kept under such an id
            raise UnknownCall(call_id)
        found = self._read(f"WHERE id = {self.placeholder}", [call_id], "")
        if not found:
            raise UnknownCall(call_id)
        return found[0]

    def page(self, where: CallFilter, before: int | None, limit: int) -> list[StoredCall]:
        check_page(before, limit)
        clause, params = self._filter(where)
        if before is not None:
            clause.append(f"seq < {self.placeholder}")
            params.append(before)
        return self._read(_where(clause), params, f"ORDER BY seq DESC LIMIT {int(limit)}")

    def calls(self, where: CallFilter | None = None) -> Iterator[StoredCall]:
        after = 0
        while True:
            clause, params = self._filter(where or CallFilter())
            clause.append(f"seq > {self.placeholder}")
            params.append(after)
            batch = self._read(_where(clause), params, f"ORDER BY seq LIMIT {STREAM_BATCH}")
            if not batch:
                return
            after = batch[-1].seq
            yield from batch

    def _filter(self, where: CallFilter) -> tuple[list[str], list[Any]]:
        clause: list[str] = []
        params: list[Any] = []
        for column in ("sop", "outcome", "agent"):
            value = getattr(where, column)
            if value is not None and not is_utf8(value):
                clause.append("1 = 0")  # no call is kept with such a name
            elif value is not None:
                clause.append(f"{column} = {self.placeholder}")
                params.append(value)
        if where.since is not None:
            clause.append(f"created >= {self.placeholder}")
            params.append(self._time_param(where.since))
        if where.until is not None:
            clause.append(f"created < {self.placeholder}")
            params.append(self._time_param(where.until))
        return clause, params


def _where(clause: list[str]) -> str:
    return f"WHERE {' AND '.join(clause)}" if clause else ""
