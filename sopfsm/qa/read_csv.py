"""CSV with a header: ``call_id, agent, at, sop, version, outcome``, one column per
question id (empty where not answered), and optionally ``data`` (a JSON object).

The reading process only cuts the file into records (a quoted field may span lines); the
workers parse them, so two jobs are not held back by one reader.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator, Mapping
from typing import IO, Any, Final

import attrs

from sopfsm.errors import BadLine
from sopfsm.qa.records import (
    MAX_LINE_BYTES,
    Chunk,
    RecordedCall,
    Unreadable,
    bounded_lines,
    data_of,
    too_long,
)

CSV_FIXED: Final = ("call_id", "agent", "at", "sop", "version", "outcome")
CSV_REQUIRED: Final = ("call_id", "sop", "outcome")
CSV_DATA: Final = "data"


def csv_records(stream: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """Raw CSV records with the line each starts on; a quoted field may span lines.
    A record longer than :data:`MAX_LINE_BYTES` is None: skipped, never held whole."""
    record: list[bytes] = []
    quotes = 0
    start = 0
    held = 0
    for number, line, _ in bounded_lines(stream):
        if not record:
            start, held = number, 0
        if line is None or held + len(line) > MAX_LINE_BYTES:
            yield start, None
            record, quotes = [], 0
            continue
        record.append(line)
        held += len(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:  # "" inside a field counts twice: parity tells where it ends
            yield start, b"".join(record) if len(record) > 1 else line
            record, quotes = [], 0
    if record:
        yield start, b"".join(record)


def csv_row(raw: bytes) -> list[str]:
    """One CSV record as its fields; :class:`BadLine` if it is not UTF-8 or not CSV."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise BadLine(f"not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        return next(csv.reader((text,)), [])
    except csv.Error as error:
        raise BadLine(f"not CSV: {error}") from None


def csv_chunks(
    name: str, stream: IO[bytes], chunk_size: int, on_bytes: Callable[[int], object] | None
) -> Iterator[Chunk]:
    # Records are cut here and parsed by the workers: the reading process stays light.
    records = csv_records(stream)
    first = next(records, None)
    if first is None:
        yield Chunk(name, "csv", (), [], [Unreadable(name, 0, "empty: no CSV header")])
        return
    if first[1] is None:
        yield Chunk(name, "csv", (), [], [Unreadable(name, 1, "bad CSV header: too long")])
        return
    try:
        header = tuple(cell.strip() for cell in csv_row(first[1].removeprefix(b"\xef\xbb\xbf")))
    except BadLine as bad:
        yield Chunk(name, "csv", (), [], [Unreadable(name, 1, f"bad CSV header: {bad}")])
        return
    missing = [c for c in CSV_REQUIRED if c not in header]
    if missing:
        reason = (
            f"the CSV header lacks {', '.join(missing)}; it needs {', '.join(CSV_FIXED)} "
            "and then one column per question id"
        )
        yield Chunk(name, "csv", header, [], [Unreadable(name, 1, reason)])
        return
    items: list[tuple[int, Any]] = []
    problems: list[Unreadable] = []
    size = len(first[1])
    for number, raw in records:
        if raw is None:
            problems.append(too_long(name, number))
            size += MAX_LINE_BYTES
        else:
            size += len(raw)
            items.append((number, raw))
        if len(items) + len(problems) >= chunk_size:
            if on_bytes:
                on_bytes(size)
            yield Chunk(name, "csv", header, items, problems)
            items, problems, size = [], [], 0
    if on_bytes:
        on_bytes(size)
    if items or problems:
        yield Chunk(name, "csv", header, items, problems)


@attrs.frozen
class Columns:
    index: Mapping[str, int]
    questions: tuple[tuple[int, str], ...]


def csv_columns(header: tuple[str, ...]) -> Columns:
    index = {name: i for i, name in enumerate(header)}
    known = (*CSV_FIXED, CSV_DATA)
    questions = tuple(
        (i, name) for i, name in enumerate(header) if name not in known and not name.startswith("_")
    )
    return Columns(index, questions)


def csv_call(
    file: str, number: int, header: tuple[str, ...], columns: Columns, row: list[str]
) -> RecordedCall:
    if len(row) != len(header):
        raise BadLine(f"{len(row)} fields where the header has {len(header)}")
    index = columns.index

    def cell(name: str) -> str | None:
        i = index.get(name)
        return (row[i].strip() or None) if i is not None else None

    call_id, sop = cell("call_id"), cell("sop")
    if call_id is None:
        raise BadLine("'call_id' is empty")
    if sop is None:
        raise BadLine("'sop' is empty")
    data: Mapping[str, object] | None = None
    if CSV_DATA in index:
        raw = row[index[CSV_DATA]].strip()
        try:
            data = data_of(json.loads(raw)) if raw else {}
        except ValueError as error:
            raise BadLine(f"'data' is not a JSON object ({error})") from None
    return RecordedCall(
        file=file,
        line=number,
        call_id=call_id,
        sop=sop,
        version=cell("version"),
        agent=cell("agent"),
        at=cell("at"),
        answers=tuple((name, row[i]) for i, name in columns.questions if row[i].strip()),
        outcome=cell("outcome"),
        data=data,
    )
