"""Recorded calls in, streaming: JSON Lines (saved or recorded calls), CSV, or stdin.

Three shapes are read, whatever software recorded them:

- saved calls, one per line, as :meth:`sopfsm.Call.to_json` writes them
  (``"format": "sopfsm.call"``; fields this reader does not use are ignored);
- recorded calls, one JSON object per line: ``{"call_id", "sop", "version", "agent",
  "at", "answers": [{"question", "value"}, ...], "outcome", "data"}``, of which
  ``version``, ``agent``, ``at`` and ``data`` are optional;
- CSV with a header: ``call_id, agent, at, sop, version, outcome``, then one column per
  question id, empty where the question was not answered, and optionally a ``data``
  column holding the report's data as a JSON object.

Fields (and CSV columns) whose name starts with ``_`` belong to the exporter and are
never read. Files are cut into chunks of raw lines (CSV: rows) by :func:`iter_chunks`, so
memory holds one chunk per worker whatever the file size; :func:`parse_chunk` turns a
chunk into :class:`RecordedCall` values, and a line it cannot read into
:class:`Unreadable` with the reason, never an exception.
"""

from __future__ import annotations

import csv
import io
import json
import sys
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final, Literal

import attrs

from sopfsm.call import FORMAT as SAVED_FORMAT
from sopfsm.saved import SUPPORTED_FORMAT_VERSIONS

InputFormat = Literal["jsonl", "csv"]
ChunkFormat = Literal["jsonl", "csv", "calls"]  # calls: already read, from a call store
INPUT_FORMATS: Final = ("jsonl", "csv")
SUFFIXES: Final[Mapping[str, InputFormat]] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}
STDIN: Final = "-"
CSV_FIXED: Final = ("call_id", "agent", "at", "sop", "version", "outcome")
CSV_REQUIRED: Final = ("call_id", "sop", "outcome")
CSV_DATA: Final = "data"
CHUNK_SIZE: Final = 2000


@attrs.frozen(slots=True)
class RecordedCall:
    """A call as recorded: what was answered and how it ended, not yet judged.

    ``data`` is None when the source does not record the report's data at all (a CSV
    without a ``data`` column), so nothing can be said about what the report carried.
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


class _Bad(ValueError):
    """A line that is not a call; the message is the reason shown to the user."""


# -- cutting files into chunks ------------------------------------------------------------


def detect_format(name: str, first: bytes) -> InputFormat:
    """The format named by the file's suffix, else guessed from its first bytes."""
    by_suffix = SUFFIXES.get(Path(name).suffix.lower())
    if by_suffix is not None:
        return by_suffix
    return "jsonl" if first.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") else "csv"


def iter_chunks(
    names: Iterable[str],
    input_format: InputFormat | None = None,
    chunk_size: int = CHUNK_SIZE,
    on_bytes: Callable[[int], object] | None = None,
    stdin: io.BufferedReader[Any] | None = None,
) -> Iterator[Chunk]:
    """Each file (``-`` for standard input) as chunks of at most ``chunk_size`` lines.

    A file that cannot be opened, or a CSV without the columns it needs, becomes a chunk
    holding only that problem: the other files are still read.
    """
    for name in names:
        if name == STDIN:
            # Standard input belongs to the process: read, never closed here.
            stream = (
                stdin if stdin is not None else typing.cast(io.BufferedReader, sys.stdin.buffer)
            )
            yield from _chunks(name, stream, input_format, chunk_size, on_bytes)
            continue
        try:
            opened = open(name, "rb")  # noqa: SIM115 - closed by the `with` below
        except OSError as error:
            yield Chunk(name, "jsonl", (), [], [Unreadable(name, 0, _os_reason(error))])
            continue
        with opened:
            yield from _chunks(name, opened, input_format, chunk_size, on_bytes)


def _chunks(
    name: str,
    stream: io.BufferedReader,
    input_format: InputFormat | None,
    chunk_size: int,
    on_bytes: Callable[[int], object] | None,
) -> Iterator[Chunk]:
    fmt = input_format or detect_format(name, stream.peek(64)[:64])
    if fmt == "jsonl":
        yield from _jsonl_chunks(name, stream, chunk_size, on_bytes)
    else:
        yield from _csv_chunks(name, stream, chunk_size, on_bytes)


def _os_reason(error: OSError) -> str:
    return f"cannot be read: {error.strerror or error}"


def _jsonl_chunks(
    name: str, stream: IO[bytes], chunk_size: int, on_bytes: Callable[[int], object] | None
) -> Iterator[Chunk]:
    items: list[tuple[int, Any]] = []
    size = 0
    for number, line in enumerate(stream, 1):
        size += len(line)
        items.append((number, line))
        if len(items) >= chunk_size:
            if on_bytes:
                on_bytes(size)
            yield Chunk(name, "jsonl", (), items)
            items, size = [], 0
    if on_bytes:
        on_bytes(size)
    if items:
        yield Chunk(name, "jsonl", (), items)


def _csv_records(stream: IO[bytes]) -> Iterator[tuple[int, bytes]]:
    """Raw CSV records with the line each starts on; a quoted field may span lines."""
    record: list[bytes] = []
    quotes = 0
    start = 0
    for number, line in enumerate(stream, 1):
        if not record:
            start = number
        record.append(line)
        quotes += line.count(b'"')
        if quotes % 2 == 0:  # "" inside a field counts twice: parity tells where it ends
            yield start, b"".join(record) if len(record) > 1 else line
            record, quotes = [], 0
    if record:
        yield start, b"".join(record)


def _csv_row(raw: bytes) -> list[str]:
    """One CSV record as its fields; :class:`_Bad` if it is not UTF-8 or not CSV."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _Bad(f"not UTF-8 ({error.reason} at byte {error.start})") from None
    try:
        return next(csv.reader((text,)), [])
    except csv.Error as error:
        raise _Bad(f"not CSV: {error}") from None


def _csv_chunks(
    name: str, stream: IO[bytes], chunk_size: int, on_bytes: Callable[[int], object] | None
) -> Iterator[Chunk]:
    # Records are cut here and parsed by the workers: the reading process stays light.
    records = _csv_records(stream)
    first = next(records, None)
    if first is None:
        yield Chunk(name, "csv", (), [], [Unreadable(name, 0, "empty: no CSV header")])
        return
    try:
        header = tuple(cell.strip() for cell in _csv_row(first[1].removeprefix(b"\xef\xbb\xbf")))
    except _Bad as bad:
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
    size = len(first[1])
    for number, raw in records:
        size += len(raw)
        items.append((number, raw))
        if len(items) >= chunk_size:
            if on_bytes:
                on_bytes(size)
            yield Chunk(name, "csv", header, items)
            items, size = [], 0
    if on_bytes:
        on_bytes(size)
    if items:
        yield Chunk(name, "csv", header, items)


def store_chunks(url: str, chunk_size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """Every call of the call store at ``url`` (:func:`sopfsm.store.open_store`), oldest
    first, streaming in the store's own batches; :class:`~sopfsm.errors.StoreError` if the
    store cannot be opened."""
    from sopfsm.store import open_store

    store = open_store(url)
    try:
        items: list[tuple[int, Any]] = []
        for stored in store.calls():
            call = RecordedCall(
                file=store.where,
                line=stored.seq,
                call_id=stored.id,
                sop=stored.sop,
                version=stored.version,
                agent=stored.agent,
                at=stored.created.isoformat(),
                answers=tuple((a.question, a.value) for a in stored.log),
                outcome=stored.state.outcome,
                # The service's report carries the answers themselves: no separate data.
                data=None,
            )
            items.append((stored.seq, call))
            if len(items) >= chunk_size:
                yield Chunk(store.where, "calls", (), items)
                items = []
        if items:
            yield Chunk(store.where, "calls", (), items)
    finally:
        store.close()


# -- parsing a chunk ----------------------------------------------------------------------


def parse_chunk(chunk: Chunk) -> Iterator[RecordedCall | Unreadable]:
    """The calls of ``chunk`` in order, with an :class:`Unreadable` for each bad line."""
    yield from chunk.problems
    if chunk.fmt == "calls":
        for _, call in chunk.items:
            yield call
    elif chunk.fmt == "jsonl":
        for number, line in chunk.items:
            if not line.strip():
                continue  # blank lines separate nothing in JSON Lines, but editors add them
            try:
                yield parse_json_line(chunk.file, number, line)
            except _Bad as bad:
                yield Unreadable(chunk.file, number, str(bad))
    else:
        columns = _csv_columns(chunk.header)
        for number, raw in chunk.items:
            if not raw.strip():
                continue
            try:
                row = _csv_row(raw)
                yield _csv_call(chunk.file, number, chunk.header, columns, row)
            except _Bad as bad:
                yield Unreadable(chunk.file, number, str(bad))


def read_calls(
    names: Iterable[str], input_format: InputFormat | None = None
) -> Iterator[RecordedCall | Unreadable]:
    """Every call of ``names``, in order, streaming; one process."""
    for chunk in iter_chunks(names, input_format):
        yield from parse_chunk(chunk)


def parse_json_line(file: str, number: int, line: bytes | str) -> RecordedCall:
    """One line of JSON Lines as a call; :class:`_Bad` with the reason if it is not one."""
    try:
        data = json.loads(line)
    except RecursionError:
        raise _Bad("not JSON: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError and bad UTF-8 alike
        raise _Bad(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise _Bad(f"expected a JSON object, not {type(data).__name__}")
    if data.get("format") == SAVED_FORMAT:
        return _saved_call(file, number, data)
    return _recorded_call(file, number, data)


def _recorded_call(file: str, number: int, data: dict[str, Any]) -> RecordedCall:
    answers = data.get("answers")
    if not isinstance(answers, list):
        raise _Bad("'answers' must be a list of {question, value}")
    pairs = []
    for index, item in enumerate(answers):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise _Bad(f"answers[{index}] must be an object with a text 'question'")
        if "value" not in item:
            raise _Bad(f"answers[{index}] has no 'value'")
        if item["value"] is not None:
            pairs.append((item["question"], item["value"]))
    outcome = data.get("outcome")
    if outcome is not None and not isinstance(outcome, str):
        raise _Bad("'outcome' must be text or null")
    return RecordedCall(
        file=file,
        line=number,
        call_id=_id(data.get("call_id"), required=True),
        sop=_text(data, "sop", required=True) or "",
        version=_text(data, "version"),
        agent=_text(data, "agent"),
        at=_text(data, "at"),
        answers=tuple(pairs),
        outcome=outcome or None,
        data=_data(data.get("data")),
    )


def _saved_call(file: str, number: int, data: dict[str, Any]) -> RecordedCall:
    # restore() is not used: it replays through python-statemachine (a few tenths of a
    # millisecond a call) and refuses a save whose answers do not replay, which is the
    # deviation QA wants explained rather than a refusal.
    version = data.get("format_version")
    if type(version) is not int or version not in SUPPORTED_FORMAT_VERSIONS:  # as restore()
        supported = ", ".join(map(str, SUPPORTED_FORMAT_VERSIONS))
        raise _Bad(
            f"saved call format version {version!r} is not supported; supported: {supported}"
        )
    answers = data.get("answers")
    if not isinstance(answers, list):
        raise _Bad("'answers' must be a list")
    pairs = []
    first_at = None
    for index, item in enumerate(answers):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise _Bad(f"answers[{index}] must be an object with a text 'question'")
        if "value" not in item:
            raise _Bad(f"answers[{index}] has no 'value'")
        pairs.append((item["question"], item["value"]))
        if first_at is None and isinstance(item.get("at"), str):
            first_at = item["at"]
    outcome = data.get("outcome")
    if outcome is not None and not (
        isinstance(outcome, dict) and isinstance(outcome.get("code"), str)
    ):
        raise _Bad("'outcome' must be null or an object with a text 'code'")
    return RecordedCall(
        file=file,
        line=number,
        call_id=_id(data.get("call_id"), required=False),
        sop=_text(data, "sop", required=True) or "",
        version=_text(data, "version"),
        agent=_text(data, "agent"),
        at=_text(data, "at") or first_at,
        answers=tuple(pairs),
        outcome=outcome["code"] if outcome else None,
        data=_data(outcome.get("data", {})) if outcome else None,
    )


def _id(value: object, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise _Bad("'call_id' must be non-empty text or a whole number")


def _text(data: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if type(value) is str and value:  # the common case first: this runs for every field
        return value
    if value is None or value == "":
        if required:
            raise _Bad(f"'{key}' is missing")
        return None
    raise _Bad(f"'{key}' must be text, not {type(value).__name__}")


def _data(value: object) -> Mapping[str, object] | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise _Bad("'data' must be an object")
    return value


@attrs.frozen
class _Columns:
    index: Mapping[str, int]
    questions: tuple[tuple[int, str], ...]


def _csv_columns(header: tuple[str, ...]) -> _Columns:
    index = {name: i for i, name in enumerate(header)}
    known = (*CSV_FIXED, CSV_DATA)
    questions = tuple(
        (i, name) for i, name in enumerate(header) if name not in known and not name.startswith("_")
    )
    return _Columns(index, questions)


def _csv_call(
    file: str, number: int, header: tuple[str, ...], columns: _Columns, row: list[str]
) -> RecordedCall:
    if len(row) != len(header):
        raise _Bad(f"{len(row)} fields where the header has {len(header)}")
    index = columns.index

    def cell(name: str) -> str | None:
        i = index.get(name)
        return (row[i].strip() or None) if i is not None else None

    call_id, sop = cell("call_id"), cell("sop")
    if call_id is None:
        raise _Bad("'call_id' is empty")
    if sop is None:
        raise _Bad("'sop' is empty")
    data: Mapping[str, object] | None = None
    if CSV_DATA in index:
        raw = row[index[CSV_DATA]].strip()
        try:
            data = _data(json.loads(raw)) if raw else {}
        except ValueError as error:
            raise _Bad(f"'data' is not a JSON object ({error})") from None
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
