"""The check over many files: chunks read in order, judged in N processes, merged in order.

One job judges in the reading process; N jobs hand chunks to a pool, never more than
``2 * N`` in flight, so memory stays flat whatever the file size, and take the results
back in input order, so the output is the same with one job or many.
"""

from __future__ import annotations

import itertools
import json
import math
import multiprocessing
import re
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from multiprocessing.pool import AsyncResult
from typing import Final

import attrs

from sopfsm.catalogue import add_versions, added_versions
from sopfsm.qa.read import (
    Chunk,
    InputFormat,
    Unreadable,
    iter_chunks,
    parse_chunk,
    store_chunks,
)
from sopfsm.qa.summary import Summary
from sopfsm.qa.verdict import judge
from sopfsm.text import Lang

IN_FLIGHT_PER_JOB: Final = 2


@attrs.frozen
class ChunkResult:
    """A chunk judged: its summary, its verdicts as JSON lines if asked, its bad lines."""

    summary: Summary
    lines: list[str]
    problems: list[Unreadable]


_SURROGATE: Final = re.compile("[\ud800-\udfff]")


def json_line(value: object) -> str:
    """``value`` as one line of strict JSON, writable as UTF-8 whatever a call recorded.

    A number JSON has no word for (NaN, Infinity, read from a line that wrote them) is
    written as its text, ``"NaN"``; a lone surrogate in text as its ``\\udXXX`` escape,
    which JSON allows and reads back as the same text."""
    try:
        text = json.dumps(value, ensure_ascii=False, allow_nan=False)
    except ValueError:
        text = json.dumps(_finite(value), ensure_ascii=False, allow_nan=False)
    return _SURROGATE.sub(lambda found: f"\\u{ord(found.group()):04x}", text)


def _finite(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return repr(value).replace("nan", "NaN").replace("inf", "Infinity")
    if isinstance(value, dict):
        return {key: _finite(inner) for key, inner in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(inner) for inner in value]
    return value


def check_chunk(chunk: Chunk, want_lines: bool = False, lang: Lang = "en") -> ChunkResult:
    summary = Summary()
    lines: list[str] = []
    problems: list[Unreadable] = []
    for item in parse_chunk(chunk):
        if isinstance(item, Unreadable):
            summary.add_unreadable(item)
            problems.append(item)
            continue
        verdict = judge(item)
        summary.add(verdict, lang)
        if want_lines:
            lines.append(json_line(verdict.to_dict(lang)))
    return ChunkResult(summary, lines, problems)


def _add_versions(files: tuple[str, ...]) -> None:
    from sopfsm.formats.load import load_sop

    if files:
        add_versions([(load_sop(file), file) for file in files])


def check_chunks(
    chunks: Iterable[Chunk], jobs: int = 1, want_lines: bool = False, lang: Lang = "en"
) -> Iterator[ChunkResult]:
    """Each chunk judged, in input order, using ``jobs`` processes."""
    if jobs <= 1:
        for chunk in chunks:
            yield check_chunk(chunk, want_lines, lang)
        return
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["sopfsm.qa.check"])
    # A worker starts from a fresh interpreter: it reads the added SOP versions' files again.
    files = tuple(origin for _, origin in added_versions())
    with context.Pool(jobs, initializer=_add_versions, initargs=(files,)) as pool:
        pending: deque[AsyncResult[ChunkResult]] = deque()
        for chunk in chunks:
            pending.append(pool.apply_async(check_chunk, (chunk, want_lines, lang)))
            if len(pending) >= jobs * IN_FLIGHT_PER_JOB:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


def check_files(
    names: Iterable[str],
    *,
    stores: Iterable[str] = (),
    input_format: InputFormat | None = None,
    jobs: int = 1,
    want_lines: bool = False,
    lang: Lang = "en",
    on_bytes: Callable[[int], object] | None = None,
    on_result: Callable[[ChunkResult], object] | None = None,
) -> Summary:
    """Check every call of the files ``names``, then of the call stores at ``stores``;
    ``on_result`` sees each chunk's result in order."""
    total = Summary()
    chunks = itertools.chain(
        iter_chunks(names, input_format, on_bytes=on_bytes),
        itertools.chain.from_iterable(store_chunks(url) for url in stores),
    )
    for result in check_chunks(chunks, jobs, want_lines, lang):
        total.merge(result.summary)
        if on_result is not None:
            on_result(result)
    return total
