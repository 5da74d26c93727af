"""One JSON log line per request, the request id, and the request metrics.

Each request gets an id: the client's ``X-Request-ID`` when it is 1 to 128 safe characters
(letters, digits, ``.``, ``_``, ``:``, ``-``), one made here otherwise; the response
carries it back and the log line names it. The line holds the time, the request id, the
agent, the method, the route template (``/v1/calls/{call_id}``: never the raw path, which
would carry call ids), the status and the duration: never a header, a token, a query, a
body or an answer, so no NIK or other personal data can reach it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import sys
import time
import uuid
from typing import Any, TextIO

import orjson
from starlette.routing import BaseRoute
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sopfsm.service import metrics
from sopfsm.service.problems import TYPE_PREFIX

LOGGER = logging.getLogger("sopfsm.access")
REQUEST_ID = "x-request-id"
_SAFE_ID = re.compile(rb"^[A-Za-z0-9._:\-]{1,128}$")
_PROBLEM = b"application/problem+json"
UNMATCHED = "unmatched"  # a path no route takes: its raw text is never a label


class JsonLines(logging.Formatter):
    """A record's ``fields`` as one JSON object per line, with the time first."""

    def format(self, record: logging.LogRecord) -> str:
        at = dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds")
        fields: dict[str, Any] = getattr(record, "fields", {"message": record.getMessage()})
        return orjson.dumps({"time": at, **fields}).decode()


class _StandardError(logging.StreamHandler):  # type: ignore[type-arg]
    """Standard error as it is when a line is written, not when the log was set up: a
    redirection or a test's capture replaced since must not leave a closed stream."""

    def emit(self, record: logging.LogRecord) -> None:
        self.stream = sys.stderr  # not setStream, which flushes the one replaced
        super().emit(record)


def configure(stream: TextIO | None = None) -> None:
    """Send the request log to ``stream`` (standard error) as JSON lines, once."""
    if any(isinstance(h.formatter, JsonLines) for h in LOGGER.handlers):
        return
    handler = logging.StreamHandler(stream) if stream is not None else _StandardError()
    handler.setFormatter(JsonLines())
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    LOGGER.propagate = False


def request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            return value.decode("ascii") if _SAFE_ID.match(value) else uuid.uuid4().hex
    return uuid.uuid4().hex


def route_template(scope: Scope, root: str) -> str:
    """The template of the route that answered (``/v1/calls/{call_id}/answers``)."""
    route: BaseRoute | None = scope.get("route")
    path = getattr(route, "path", None)
    if route is None or not isinstance(path, str):
        return UNMATCHED
    # A mounted route's path is relative to its mount, which root_path now ends with.
    mount = str(scope.get("root_path", ""))[len(root) :]
    return f"{mount}{path}"


class RequestLog:
    """ASGI middleware: the request id, the log line and the request metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        rid = request_id(scope)
        root = str(scope.get("root_path", ""))
        status = 500
        problem: list[bytes] = []

        async def sending(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                headers.append((b"x-request-id", rid.encode("ascii")))
                if any(n == b"content-type" and v.startswith(_PROBLEM) for n, v in headers):
                    problem.append(b"")
            elif message["type"] == "http.response.body" and problem:
                problem.append(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, sending)
        finally:
            elapsed = time.perf_counter() - started
            route = route_template(scope, root)
            method = scope["method"]
            label = metrics.method_label(method)
            metrics.labelled(metrics.REQUESTS, label, route, str(status)).inc()
            metrics.labelled(metrics.REQUEST_SECONDS, label, route).observe(elapsed)
            if problem:
                metrics.labelled(metrics.REFUSALS, _reason(b"".join(problem))).inc()
            state = scope.get("state", {})
            LOGGER.info(
                "request",
                extra={
                    "fields": {
                        "request_id": rid,
                        "agent": state.get("agent"),
                        "method": method,
                        "route": route,
                        "status": status,
                        "duration_ms": round(elapsed * 1000, 3),
                    }
                },
            )


def _reason(body: bytes) -> str:
    """The problem type's last word (``invalid-answer``), a closed set of the service's."""
    try:
        kind = orjson.loads(body).get("type", "")
    except (orjson.JSONDecodeError, AttributeError):
        return "unknown"
    word = str(kind).removeprefix(TYPE_PREFIX)
    return word if re.fullmatch(r"[a-z0-9\-]{1,64}", word) else "unknown"
