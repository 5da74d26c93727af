"""The values QA's readers produce: recorded calls, unreadable lines, and chunks of raw input."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any, Final, Literal

import attrs

from sopfsm.errors import BadLine

InputFormat = Literal["jsonl", "csv"]
ChunkFormat = Literal["jsonl", "csv", "calls"]  # calls: already read, from a call store
CHUNK_SIZE: Final = 2000
MAX_LINE_BYTES: Final = 4_000_000
"""The longest line read (a saved call is at most a million characters): a longer one is
skipped unread, so memory never follows the longest line of a file."""
_PIECE: Final = 1 << 16


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


def bounded_lines(
    stream: IO[bytes], limit: int = MAX_LINE_BYTES
) -> Iterator[tuple[int, bytes | None, int]]:
    """Each line of ``stream``: (line number, the line or None when longer than ``limit``
    bytes, bytes it took). A long line is skipped in pieces, never held whole."""
    number = 0
    while line := stream.readline(limit + 1):
        number += 1
        if len(line) <= limit or line.endswith(b"\n"):
            yield number, line, len(line)
            continue
        size = len(line)
        while line and not line.endswith(b"\n"):
            line = stream.readline(_PIECE)
            size += len(line)
        yield number, None, size


def too_long(file: str, number: int) -> Unreadable:
    return Unreadable(file, number, f"longer than {MAX_LINE_BYTES:,} bytes: skipped unread")
