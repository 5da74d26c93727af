"""One error shape: RFC 9457 ``application/problem+json`` for every refusal.

Each :class:`~sopfsm.errors.SopfsmError` subclass maps to a status, found along the
error's MRO (so a subclass added later inherits its parent's status until it is given
its own). The body has ``type``, ``title``, ``status``, ``detail`` (English),
``detail_id`` (the Indonesian message, for the CSO), and the offending values: the
question, the value, the accepted values in both languages, what is pending, the
call's current revision, the known SOPs or questions.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from sopfsm.errors import (
    AlreadyDelivered,
    AnswererError,
    BadSignature,
    CallClosed,
    CallFinished,
    DeliveryConfigError,
    InvalidAnswer,
    InvalidArgument,
    InvalidDetail,
    InvalidVersion,
    MissingDependency,
    NoBranch,
    NotAnswered,
    NotPending,
    NoVersionInForce,
    ReentrantAnswer,
    ReportPurged,
    SavedCallError,
    ServiceConfigError,
    SignatureError,
    SopDefinitionError,
    SopFileError,
    SopFolderError,
    SopfsmError,
    StaleRevision,
    StoreError,
    UnknownCall,
    UnknownDelivery,
    UnknownMachine,
    UnknownQuestion,
    UnknownSchemaVersion,
    UnknownSop,
    UnreachedAnswers,
    UnreadableCall,
    UsageError,
    WrongStatus,
)
from sopfsm.text import Text

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "urn:sopfsm:problem:"

STATUS: dict[type[SopfsmError], int] = {
    SopfsmError: 500,
    UnknownSop: 404,
    UnknownCall: 404,
    UnreadableCall: 422,  # the call's own problem: the request and the store are fine
    UnknownQuestion: 422,
    InvalidAnswer: 422,
    UnreachedAnswers: 422,
    NotPending: 409,
    CallFinished: 409,
    StaleRevision: 409,
    AnswererError: 502,
    SavedCallError: 422,
    SignatureError: 422,
    SopDefinitionError: 500,
    NoBranch: 500,
    MissingDependency: 501,
    StoreError: 503,
    UnknownSchemaVersion: 503,
    ServiceConfigError: 500,
    ReentrantAnswer: 409,
    InvalidArgument: 400,
    SopFileError: 500,  # the service never reads a SOP file a client names
    InvalidDetail: 422,
    InvalidVersion: 400,
    NoVersionInForce: 404,
    SopFolderError: 500,  # an operator's folder, refused at start
    NotAnswered: 409,
    CallClosed: 409,
    WrongStatus: 409,
    UsageError: 400,  # the CLI's: a malformed command line
    UnknownMachine: 400,  # the CLI's: a module:Class that is no SOP class
    UnknownDelivery: 404,
    BadSignature: 401,
    AlreadyDelivered: 409,
    ReportPurged: 409,
    DeliveryConfigError: 500,  # an operator's setting, refused at start
}

# Attribute of the error -> field of the problem body.
_FIELDS = {
    "sop_id": "sop",
    "sop": "sop",
    "question_id": "question",
    "value": "value",
    "accepted": "accepted",
    "pending": "pending",
    "state": "step",
    "outcome": "outcome",
    "known": "known",
    "call_id": "call",
    "given": "revision",
    "current": "current_revision",
    "questions": "questions",
    "path": "path",
    "where": "where",
    "package": "package",
    "extra": "extra",
    "field": "field",  # InvalidDetail: the detail, code, note or reason refused
}


class HttpProblem(Exception):
    """A refusal of the request itself (401, 400, 413, 415, 404 for a path), not of the call."""

    def __init__(self, status: int, kind: str, text: Text, **fields: Any) -> None:
        self.status = status
        self.kind = kind
        self.text = text
        self.fields = fields
        super().__init__(text.en)


def status_of(error: SopfsmError) -> int:
    """The HTTP status of ``error``: that of the nearest class in its MRO that has one."""
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 500  # pragma: no cover - every SopfsmError has SopfsmError in its MRO


def kebab(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def error_body(error: SopfsmError) -> dict[str, Any]:
    status = status_of(error)
    name = type(error).__name__
    body: dict[str, Any] = {
        "type": TYPE_PREFIX + kebab(name),
        "title": kebab(name).replace("-", " ").capitalize(),
        "status": status,
        "detail": error.message("en") if status < 500 else _server_detail(error),
        "detail_id": error.message("id"),
    }
    for attribute, field in _FIELDS.items():
        if attribute in vars(error):
            body[field] = _json_safe(vars(error)[attribute])
    return body


def _server_detail(error: SopfsmError) -> str:
    """Server faults say what failed, never a password or a stack."""
    return error.message("en")


def _json_safe(value: object) -> Any:
    if isinstance(value, Text):
        return value.as_json()
    if isinstance(value, tuple | list):
        return [_json_safe(v) for v in value]
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    return str(value)


def json_text(body: Any) -> str:
    """``body`` as JSON text that is always UTF-8: readable Indonesian, and a lone surrogate
    (never a character) escaped rather than failing the response."""
    text = json.dumps(body, ensure_ascii=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return json.dumps(body)
    return text


def problem(status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> Response:
    return Response(
        json_text(body),
        status_code=status,
        media_type=MEDIA_TYPE,
        headers=headers,
    )


def http_body(error: HttpProblem) -> dict[str, Any]:
    return {
        "type": TYPE_PREFIX + error.kind,
        "title": error.kind.replace("-", " ").capitalize(),
        "status": error.status,
        "detail": error.text.en,
        "detail_id": error.text.id,
        **error.fields,
    }


async def on_sopfsm_error(_request: Request, error: Exception) -> Response:
    assert isinstance(error, SopfsmError)
    return problem(status_of(error), error_body(error))


async def on_http_problem(_request: Request, error: Exception) -> Response:
    assert isinstance(error, HttpProblem)
    headers = {"WWW-Authenticate": 'Bearer realm="sopfsm"'} if error.status == 401 else None
    if error.status == 413:
        headers = {"Connection": "close"}
    return problem(error.status, http_body(error), headers)


async def on_starlette_http(request: Request, error: Exception) -> Response:
    """Starlette's own 404 and 405 (a path or method the service does not have)."""
    from starlette.exceptions import HTTPException

    assert isinstance(error, HTTPException)
    kinds = {404: "not-found", 405: "method-not-allowed"}
    text = {
        404: Text(id=f"tidak ada {request.url.path}", en=f"no such path {request.url.path}"),
        405: Text(
            id=f"metode {request.method} tidak dipakai di {request.url.path}",
            en=f"method {request.method} is not used on {request.url.path}",
        ),
    }
    status = error.status_code
    body = http_body(
        HttpProblem(
            status,
            kinds.get(status, "http-error"),
            text.get(status, Text(id=str(error.detail), en=str(error.detail))),
        )
    )
    return problem(status, body, dict(error.headers or {}))
