"""Reading requests: bodies of bounded size that must be JSON objects, and query values.

Every refusal is an :class:`~sopfsm.service.problems.HttpProblem` that names the problem
in English and Indonesian.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any

import orjson
from starlette.requests import Request

from sopfsm.service.problems import HttpProblem
from sopfsm.text import LANGS, Lang, Text

DRAIN_LIMIT = 8 * 1024 * 1024  # read (and drop) this much of a too-large body, so the
# client is reading when the 413 comes, not writing into a closed socket


def _bad(en: str, id_: str, **fields: Any) -> HttpProblem:
    return HttpProblem(400, "malformed-request", Text(id=id_, en=en), **fields)


async def read_object(request: Request, limit: int) -> dict[str, Any]:
    """The body as a JSON object: 415 if not JSON, 413 if over ``limit``, 400 if malformed."""
    media = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media != "application/json" and not (
        media.startswith("application/") and media.endswith("+json")
    ):
        raise HttpProblem(
            415,
            "unsupported-media-type",
            Text(
                id="isi permintaan harus JSON (Content-Type: application/json), "
                f"bukan {media or 'kosong'!r}",
                en="the body must be JSON (Content-Type: application/json), "
                f"not {media or 'none'!r}",
            ),
            accepted=["application/json"],
        )
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        await _drain(request)
        raise _too_large(limit)
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            await _drain(request, len(body))
            raise _too_large(limit)
    data = quick_json(bytes(body))
    if data is NOT_QUICK:
        data = strict_json(body)
    if not isinstance(data, dict):
        raise _bad(
            f"the body must be a JSON object, not {type(data).__name__}",
            f"isi permintaan harus objek JSON, bukan {type(data).__name__}",
        )
    return data


NOT_QUICK = object()
"""What :func:`quick_json` returns for a body only :func:`strict_json` may judge."""

_KEY_END = re.compile(rb'"[ \t\n\r]*:')
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def quick_json(body: bytes) -> Any:
    """``body`` read by orjson, where that reading is :func:`strict_json`'s: else
    :data:`NOT_QUICK`. A body orjson refuses, one with a number of 19 digits or more
    (orjson reads a whole number beyond 64 bits as a float), and one with fewer keys read
    than there are key ends in its text (a key named twice: orjson keeps the last) are
    left to the strict reading, which names the problem. orjson reads what the json
    module does otherwise, and refuses lone surrogates, NaN, infinities and text that is
    not UTF-8 itself. ``tests/service/test_requests.py`` holds the two readings equal.
    The json module with the hooks that refuse takes 25 µs for an answer's body."""
    try:
        data = orjson.loads(body)
    except orjson.JSONDecodeError:
        return NOT_QUICK
    if _LONG_NUMBER.search(body) or _keys(data) != len(_KEY_END.findall(body)):
        return NOT_QUICK
    return data


def _keys(data: Any) -> int:
    """How many keys the objects in ``data`` hold, all told."""
    count, stack = 0, [data]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            count += len(item)
            stack.extend(item.values())
        elif type(item) is list:
            stack.extend(item)
    return count


def strict_json(body: bytes | bytearray) -> Any:
    """``body`` read by the json module, refused (400, naming the problem) where it is not
    JSON, names a key twice, holds a number too large for a float or a lone surrogate."""
    try:
        data = json.loads(
            body, parse_constant=_no_constant, parse_float=_finite, object_pairs_hook=_object
        )
    except (ValueError, RecursionError) as error:
        raise _bad(
            f"the body is not valid JSON: {error}", f"isi permintaan bukan JSON yang sah: {error}"
        ) from None
    _refuse_surrogates(data)
    return data


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):  # 1e999: no answer, no revision is that large
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused if it names a key twice: parsers disagree on which one wins
    (Python keeps the last), so the request is ambiguous, not last-wins."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(key for key, _ in pairs if key in seen or seen.add(key))  # type: ignore[func-returns-value]
        raise _bad(
            f"the key {_quoted(twice)} appears twice in one object",
            f"kunci {_quoted(twice)} muncul dua kali dalam satu objek",
            field=_quoted(twice)[1:-1],
        )
    return data


def _refuse_surrogates(data: object) -> None:
    """Refuse a lone surrogate (``"\\ud800"``) anywhere in the body, key or value: it is
    no character, cannot be UTF-8, and could be neither stored nor answered with."""
    stack: list[tuple[str, object]] = [("", data)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, dict):
            for key, value in item.items():
                inside = f"{where}.{_quoted(key)[1:-1]}" if where else _quoted(key)[1:-1]
                if _has_surrogate(key):
                    _surrogate(inside)
                stack.append((inside, value))
        elif isinstance(item, list):
            stack.extend((f"{where}[{n}]", value) for n, value in enumerate(item))
        elif isinstance(item, str) and _has_surrogate(item):
            _surrogate(where)


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _surrogate(where: str) -> None:
    top = where.split(".", 1)[0].split("[", 1)[0]
    raise _bad(
        f"{where or 'the body'} holds a lone surrogate (\\ud800-\\udfff), which is no "
        "character and cannot be UTF-8 text",
        f"{where or 'isi permintaan'} memuat surrogate tunggal (\\ud800-\\udfff), yang bukan "
        "karakter dan bukan teks UTF-8",
        **({"field": top} if top else {}),
    )


def _quoted(text: str) -> str:
    """``text`` in double quotes, every character outside printable ASCII escaped."""
    return json.dumps(text)[:80]


async def _drain(request: Request, read: int = 0) -> None:
    try:
        async for chunk in request.stream():
            read += len(chunk)
            if read > DRAIN_LIMIT:
                return
    except Exception:
        return


def _too_large(limit: int) -> HttpProblem:
    return HttpProblem(
        413,
        "body-too-large",
        Text(
            id=f"isi permintaan lebih dari {limit} byte",
            en=f"the body is larger than {limit} bytes",
        ),
        limit=limit,
    )


def field(data: dict[str, Any], name: str, kind: type | tuple[type, ...], what: Text) -> Any:
    """``data[name]``, which must be present and of ``kind`` (never a bool for an int)."""
    if name not in data:
        raise _bad(f"missing {name!r}: {what.en}", f"{name!r} tidak ada: {what.id}", field=name)
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _bad(
            f"{name!r} must be {what.en}, not {json.dumps(value)[:60]}",
            f"{name!r} harus {what.id}, bukan {json.dumps(value)[:60]}",
            field=name,
        )
    return value


def only_fields(data: dict[str, Any], allowed: tuple[str, ...]) -> None:
    extra = sorted(set(data) - set(allowed))
    if extra:
        raise _bad(
            f"unknown field {', '.join(map(repr, extra))}; fields: {', '.join(allowed)}",
            f"kolom tidak dikenal {', '.join(map(repr, extra))}; kolom: {', '.join(allowed)}",
            field=extra[0],
        )


def only_params(request: Request, allowed: tuple[str, ...]) -> None:
    """Refuse a query parameter the route does not take, naming those it does."""
    extra = sorted(set(request.query_params) - set(allowed))
    if extra:
        takes = ", ".join(allowed) or "none"
        raise _bad(
            f"unknown query parameter {', '.join(map(repr, extra))}; this path takes: {takes}",
            f"parameter tidak dikenal {', '.join(map(repr, extra))}; path ini menerima: {takes}",
            field=extra[0],
            accepted=list(allowed),
        )


def lang_of(request: Request) -> Lang:
    lang = request.query_params.get("lang", "id")
    for known in LANGS:
        if lang == known:
            return known
    raise _bad(
        f"lang must be one of {', '.join(LANGS)}, not {lang!r}",
        f"lang harus salah satu dari {', '.join(LANGS)}, bukan {lang!r}",
        field="lang",
        accepted=list(LANGS),
    )


def time_query(request: Request, name: str) -> dt.datetime | None:
    text = request.query_params.get(name)
    if text is None:
        return None
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        at = None
    if at is None or at.tzinfo is None:
        raise _bad(
            f"{name} must be an ISO 8601 time with a zone (2020-04-10T08:00:00+07:00), "
            f"not {text!r}",
            f"{name} harus waktu ISO 8601 dengan zona (2020-04-10T08:00:00+07:00), bukan {text!r}",
            field=name,
        )
    return at


def int_query(request: Request, name: str, default: int, low: int, high: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if (
        not text.isascii()
        or not text.isdigit()
        or len(text) > len(str(high))
        or not low <= int(text) <= high
    ):
        raise _bad(
            f"{name} must be a whole number from {low} to {high}, not {text!r}",
            f"{name} harus bilangan bulat {low} sampai {high}, bukan {text!r}",
            field=name,
        )
    return int(text)


def cursor_text(seq: int) -> str:
    """The position after which the next page starts: opaque to clients."""
    return str(seq)


def cursor_query(request: Request) -> int | None:
    text = request.query_params.get("cursor")
    if text is None:
        return None
    if text.isascii() and text.isdigit() and len(text) <= 18 and 1 <= int(text) < 10**18:
        return int(text)
    raise _bad(
        "cursor is not one this service gave out; use the `next` of a listing",
        "cursor bukan dari layanan ini; pakai `next` dari daftar",
        field="cursor",
    )
