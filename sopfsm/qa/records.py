"""The values QA's readers produce: recorded calls, unreadable lines, and chunks of raw input."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, Literal

import attrs

from sopfsm.errors import BadLine

InputFormat = Literal["jsonl", "csv"]
ChunkFormat = Literal["jsonl", "csv", "calls"]  # calls: already read, from a call store
CHUNK_SIZE: Final = 2000


@attrs.frozen(slots=True)
class RecordedCall:
    """A call as recorded: what was answered and how it ended, not yet judged.

    ``data`` is None when the source does not record the report's data at all (a CSV
    without a ``data`` column), so nothing can be said about what the report carried.
    ``answers`` are the effective ones (as corrected); ``corrections`` names the question
    of each correction made during the call, and ``abandoned`` the wrap-up code of a call
    that ended without an outcome.
    """

    file: str
    line: int
    call_id: str | None
    sop: str
    version: str | None
    agent: str | None
    at: str | None
    answers: tuple[tuple[str, object], ...]
    outcome: str | None
    data: Mapping[str, object] | None
    corrections: tuple[str, ...] = ()
    abandoned: str | None = None


@attrs.frozen(slots=True)
class Unreadable:
    """A line (or row, or whole file at line 0) that could not be read, and why."""

    file: str
    line: int
    reason: str


@attrs.frozen(slots=True)
class Chunk:
    """Raw lines (JSON Lines) or records (CSV) of one file, as bytes, with line numbers;
    or calls already read from a call store, with their sequence numbers."""

    file: str
    fmt: ChunkFormat
    header: tuple[str, ...]
    items: list[tuple[int, Any]]
    problems: list[Unreadable] = attrs.Factory(list)


def data_of(value: object) -> Mapping[str, object] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadLine("'data' must be an object")
    return value
