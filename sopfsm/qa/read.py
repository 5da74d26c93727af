"""Recorded calls in, streaming: JSON Lines (saved or recorded calls), CSV, or stdin.

Three shapes are read, whatever software recorded them:

- saved calls, one per line, as :meth:`sopfsm.Call.to_json` writes them
  (``"format": "sopfsm.call"``; fields this reader does not use are ignored);
- recorded calls, one JSON object per line: ``{"call_id", "sop", "version", "agent",
  "at", "answers": [{"question", "value"}, ...], "outcome", "data", "corrections":
  [{"question", ...}, ...], "abandoned"}``, of which ``version``, ``agent``, ``at``,
  ``data``, ``corrections`` and ``abandoned`` (a wrap-up code) are optional; the
  answers are the effective ones, as corrected;
- CSV with a header: ``call_id, agent, at, sop, version, outcome``, then one column per
  question id, empty where the question was not answered, and optionally a ``data``
  column holding the report's data as a JSON object.

Fields (and CSV columns) whose name starts with ``_`` belong to the exporter and are
never read. Files are cut into chunks of raw lines (CSV: records) by :func:`iter_chunks`, so
memory holds one chunk per worker whatever the file size; :func:`parse_chunk` turns a
chunk into :class:`RecordedCall` values, and a line it cannot read into
:class:`Unreadable` with the reason, never an exception.
"""

from __future__ import annotations

import io
import json
import sys
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any, Final

from sopfsm.call import FORMAT as SAVED_FORMAT
from sopfsm.errors import BadLine
from sopfsm.qa.read_csv import (
    CSV_DATA,
    CSV_FIXED,
    CSV_REQUIRED,
    csv_call,
    csv_chunks,
    csv_columns,
    csv_row,
)
from sopfsm.qa.records import (
    CHUNK_SIZE,
    Chunk,
    ChunkFormat,
    InputFormat,
    RecordedCall,
    Unreadable,
    bounded_lines,
    data_of,
    too_long,
)
from sopfsm.saved import SUPPORTED_FORMAT_VERSIONS
from sopfsm.store.base import Logged, LoggedAnswer, LoggedEntry

__all__ = [
    "CHUNK_SIZE",
    "CSV_DATA",
    "CSV_FIXED",
    "CSV_REQUIRED",
    "INPUT_FORMATS",
    "Chunk",
    "ChunkFormat",
    "InputFormat",
    "RecordedCall",
    "STDIN",
    "SUFFIXES",
    "Unreadable",
    "detect_format",
    "iter_chunks",
    "parse_chunk",
    "parse_json_line",
    "read_calls",
    "store_chunks",
]

INPUT_FORMATS: Final = ("jsonl", "csv")
SUFFIXES: Final[Mapping[str, InputFormat]] = {
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "jsonl",
    ".csv": "csv",
}
STDIN: Final = "-"


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
        yield from csv_chunks(name, stream, chunk_size, on_bytes)


def _os_reason(error: OSError) -> str:
    return f"cannot be read: {error.strerror or error}"


def _jsonl_chunks(
    name: str, stream: IO[bytes], chunk_size: int, on_bytes: Callable[[int], object] | None
) -> Iterator[Chunk]:
    items: list[tuple[int, Any]] = []
    problems: list[Unreadable] = []
    size = 0
    for number, line, taken in bounded_lines(stream):
        size += taken
        if line is None:
            problems.append(too_long(name, number))
        else:
            items.append((number, line))
        if len(items) + len(problems) >= chunk_size:
            if on_bytes:
                on_bytes(size)
            yield Chunk(name, "jsonl", (), items, problems)
            items, problems, size = [], [], 0
    if on_bytes:
        on_bytes(size)
    if items or problems:
        yield Chunk(name, "jsonl", (), items, problems)


def store_chunks(url: str, chunk_size: int = CHUNK_SIZE) -> Iterator[Chunk]:
    """Every call of the call store at ``url`` (:func:`sopfsm.store.open_store`), oldest
    first, streaming in the store's own batches; :class:`~sopfsm.errors.StoreError` if the
    store cannot be opened."""
    from sopfsm.store import open_store

    store = open_store(url, read_only=True)  # QA writes nothing, even to an archive
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
                answers=_effective(stored.log),
                outcome=stored.state.outcome,
                # The service's report carries the answers themselves: no separate data.
                data=None,
                corrections=tuple(
                    str(e.body["question"]) for e in _entries(stored.log, "correction")
                ),
                abandoned=next((e.body["code"] for e in _entries(stored.log, "abandon")), None),
            )
            items.append((stored.seq, call))
            if len(items) >= chunk_size:
                yield Chunk(store.where, "calls", (), items)
                items = []
        if items:
            yield Chunk(store.where, "calls", (), items)
    finally:
        store.close()


def _entries(log: Iterable[Logged], kind: str) -> Iterator[LoggedEntry]:
    return (e for e in log if isinstance(e, LoggedEntry) and e.kind == kind)


def _effective(log: Iterable[Logged]) -> tuple[tuple[str, object], ...]:
    """The effective answers of a stored log: each correction's new value in the place of
    the answer it replaces, less the answers it retracted (the core's rule, folded)."""
    answers: list[tuple[str, object]] = []
    for entry in log:
        if isinstance(entry, LoggedAnswer):
            answers.append((entry.question, entry.value))
        elif entry.kind == "correction":
            question = entry.body["question"]
            gone = [(r["question"], r["value"]) for r in entry.body["retracted"]]
            answers = [
                (q, entry.body["value"] if q == question else v)
                for q, v in answers
                if (q, v) not in gone or q == question
            ]
    return tuple(answers)


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
            except BadLine as bad:
                yield Unreadable(chunk.file, number, str(bad))
    else:
        columns = csv_columns(chunk.header)
        for number, raw in chunk.items:
            if not raw.strip():
                continue
            try:
                row = csv_row(raw)
                yield csv_call(chunk.file, number, chunk.header, columns, row)
            except BadLine as bad:
                yield Unreadable(chunk.file, number, str(bad))


def read_calls(
    names: Iterable[str], input_format: InputFormat | None = None
) -> Iterator[RecordedCall | Unreadable]:
    """Every call of ``names``, in order, streaming; one process."""
    for chunk in iter_chunks(names, input_format):
        yield from parse_chunk(chunk)


def parse_json_line(file: str, number: int, line: bytes | str) -> RecordedCall:
    """One line of JSON Lines as a call; :class:`BadLine` with the reason if it is not one."""
    try:
        data = json.loads(line)
    except RecursionError:
        raise BadLine("not JSON: nested too deeply") from None
    except ValueError as error:  # JSONDecodeError and bad UTF-8 alike
        raise BadLine(f"not JSON ({error})") from None
    if not isinstance(data, dict):
        raise BadLine(f"expected a JSON object, not {type(data).__name__}")
    if data.get("format") == SAVED_FORMAT:
        return _saved_call(file, number, data)
    return _recorded_call(file, number, data)


def _recorded_call(file: str, number: int, data: dict[str, Any]) -> RecordedCall:
    answers = data.get("answers")
    if not isinstance(answers, list):
        raise BadLine("'answers' must be a list of {question, value}")
    pairs = []
    for index, item in enumerate(answers):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise BadLine(f"answers[{index}] must be an object with a text 'question'")
        if "value" not in item:
            raise BadLine(f"answers[{index}] has no 'value'")
        if item["value"] is not None:
            pairs.append((item["question"], item["value"]))
    outcome = data.get("outcome")
    if outcome is not None and not isinstance(outcome, str):
        raise BadLine("'outcome' must be text or null")
    corrections = data.get("corrections") or []
    if not isinstance(corrections, list):
        raise BadLine("'corrections' must be a list of {question, ...}")
    abandoned = data.get("abandoned")
    if abandoned is not None and not isinstance(abandoned, str):
        raise BadLine("'abandoned' must be a wrap-up code or null")
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
        data=data_of(data.get("data")),
        corrections=_corrected(corrections, "corrections"),
        abandoned=abandoned or None,
    )


def _saved_call(file: str, number: int, data: dict[str, Any]) -> RecordedCall:
    # restore() is not used: it replays through python-statemachine (a few tenths of a
    # millisecond a call) and refuses a save whose answers do not replay, which is the
    # deviation QA wants explained rather than a refusal.
    version = data.get("format_version")
    if type(version) is not int or version not in SUPPORTED_FORMAT_VERSIONS:  # as restore()
        supported = ", ".join(map(str, SUPPORTED_FORMAT_VERSIONS))
        raise BadLine(
            f"saved call format version {version!r} is not supported; supported: {supported}"
        )
    answers = data.get("answers")
    if not isinstance(answers, list):
        raise BadLine("'answers' must be a list")
    pairs = []
    first_at = None
    for index, item in enumerate(answers):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise BadLine(f"answers[{index}] must be an object with a text 'question'")
        if "value" not in item:
            raise BadLine(f"answers[{index}] has no 'value'")
        pairs.append((item["question"], item["value"]))
        if first_at is None and isinstance(item.get("at"), str):
            first_at = item["at"]
    outcome = data.get("outcome")
    if outcome is not None and not (
        isinstance(outcome, dict) and isinstance(outcome.get("code"), str)
    ):
        raise BadLine("'outcome' must be null or an object with a text 'code'")
    # Version 2 keeps the whole record; its "answers" are already the effective ones.
    record = data.get("record") or []
    if not isinstance(record, list) or not all(isinstance(e, dict) for e in record):
        raise BadLine("'record' must be a list of objects")
    abandoned = next((e.get("code") for e in record if e.get("kind") == "abandon"), None)
    if abandoned is not None and not isinstance(abandoned, str):
        raise BadLine("an abandon entry's 'code' must be text")
    corrections = [e for e in record if e.get("kind") == "correction"]
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
        data=data_of(outcome.get("data", {})) if outcome else None,
        corrections=_corrected(corrections, "record"),
        abandoned=abandoned,
    )


def _corrected(corrections: list[Any], where: str) -> tuple[str, ...]:
    """The question of each correction; the rest of an entry is not QA's to judge."""
    questions = []
    for index, item in enumerate(corrections):
        if not isinstance(item, dict) or not isinstance(item.get("question"), str):
            raise BadLine(f"{where}[{index}] must be an object with a text 'question'")
        questions.append(item["question"])
    return tuple(questions)


def _id(value: object, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if isinstance(value, str) and value.strip():
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise BadLine("'call_id' must be non-empty text or a whole number")


def _text(data: Mapping[str, Any], key: str, *, required: bool = False) -> str | None:
    value = data.get(key)
    if type(value) is str and value:  # the common case first: this runs for every field
        return value
    if value is None or value == "":
        if required:
            raise BadLine(f"'{key}' is missing")
        return None
    raise BadLine(f"'{key}' must be text, not {type(value).__name__}")
