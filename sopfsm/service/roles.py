"""Who may do what: each role's rights, checked on every API route.

- ``cso`` starts calls, answers them, and reads only their own: another agent's call is
  404, as if it did not exist, so that a call id tells a CSO nothing.
- ``supervisor`` reads every call, and may answer any (taking it over from its agent:
  the answer log names the supervisor, and the service logs the take-over); a supervisor
  standing in on the phones may start calls too.
- ``qa`` reads every call, personal data included, and answers none.
- ``admin`` manages tokens and sees who read personal data; reads no call.
- ``supervisor`` and ``admin`` list who read which call's personal data, and when, and
  see and retry the deliveries of APKT reports.
- ``dev`` (``sopfsm serve --dev``, loopback only) may do everything.
"""

from __future__ import annotations

import logging
from typing import Literal

from starlette.requests import Request

from sopfsm.errors import UnknownCall
from sopfsm.service import session
from sopfsm.service.auth import DEV_ROLE, Identity, Unauthorized
from sopfsm.service.problems import HttpProblem
from sopfsm.store.base import StoredCall
from sopfsm.text import Text

Right = Literal[
    "start", "answer", "read_all", "read_own", "read_personal", "tokens", "audit_reads",
    "deliveries",
]  # fmt: skip

RIGHTS: dict[str, frozenset[Right]] = {
    "cso": frozenset({"start", "answer", "read_own"}),
    "supervisor": frozenset(
        {"start", "answer", "read_own", "read_all", "read_personal", "audit_reads", "deliveries"}
    ),
    "qa": frozenset({"read_own", "read_all", "read_personal"}),
    "admin": frozenset({"tokens", "audit_reads", "deliveries"}),
    DEV_ROLE: frozenset(
        {
            "start",
            "answer",
            "read_own",
            "read_all",
            "read_personal",
            "tokens",
            "audit_reads",
            "deliveries",
        }
    ),
}

_WHAT: dict[Right, Text] = {
    "start": Text(id="memulai panggilan", en="start calls"),
    "answer": Text(id="menjawab panggilan", en="answer calls"),
    "read_all": Text(id="membaca semua panggilan", en="read every call"),
    "read_own": Text(id="membaca panggilan", en="read calls"),
    "read_personal": Text(id="membaca data pribadi", en="read personal data"),
    "tokens": Text(id="mengelola token", en="manage tokens"),
    "audit_reads": Text(id="melihat siapa membaca data pribadi", en="see who read personal data"),
    "deliveries": Text(id="melihat dan mengulang pengiriman laporan APKT",
                       en="see and retry APKT report deliveries"),
}  # fmt: skip

log = logging.getLogger("sopfsm.service")


def identity_of(request: Request) -> Identity:
    """Who sent the request (by its bearer token), or 401. A request from the screen
    carries its identity in the session (see :mod:`sopfsm.service.session`)."""
    known: Identity | None = request.scope.get("sopfsm.identity")
    if known is not None:
        return known
    identity = _identify(request)
    request.scope["sopfsm.identity"] = identity
    request.state.agent = identity.agent  # for the request's log line (sopfsm.service.logs)
    return identity


def _identify(request: Request) -> Identity:
    header = request.headers.get("authorization")
    # The session cookie counts only without a header: not parsed for an API request.
    cookie = request.cookies.get(session.COOKIE) if header is None else None
    try:
        if header is None and cookie is not None:
            identity = _by_cookie(request, cookie)
        else:
            identity = request.app.state.tokens.identify(header)
    except Unauthorized as error:
        raise HttpProblem(
            401,
            "unauthorized",
            Text(id=f"tidak diizinkan: {_id_reason(str(error))}", en=f"unauthorized: {error}"),
        ) from None
    return identity


def _by_cookie(request: Request, cookie: str) -> Identity:
    tokens, secret = request.app.state.tokens, request.app.state.session_secret
    identity = session.identity_of_cookie(tokens, cookie, secret)
    try:
        session.check_same_origin(request)
    except session.CrossSite as error:
        raise HttpProblem(
            403,
            "cross-site",
            Text(
                id="permintaan yang mengubah data hanya dari halaman layanan ini",
                en=f"refused: {error}",
            ),
        ) from None
    return identity


def _id_reason(reason: str) -> str:
    if reason.startswith("no Authorization"):
        return "tidak ada header Authorization; kirim Authorization: Bearer TOKEN"
    if reason.startswith("the token is not known"):
        return "token tidak dikenal"
    if reason.startswith("the session"):
        return "sesi tidak berlaku; masuk lagi"
    return "header Authorization harus Bearer TOKEN, dengan token"


def may(identity: Identity, right: Right) -> bool:
    return right in RIGHTS.get(identity.role, frozenset())


def require(request: Request, right: Right) -> Identity:
    """The request's identity if its role has ``right``; otherwise 403 naming the role."""
    identity = identity_of(request)
    if not may(identity, right):
        raise HttpProblem(
            403,
            "forbidden",
            Text(
                id=f"peran {identity.role!r} tidak boleh {_WHAT[right].id}",
                en=f"role {identity.role!r} may not {_WHAT[right].en}",
            ),
            role=identity.role,
        )
    return identity


def check_reads(identity: Identity, stored: StoredCall) -> None:
    """404 (:class:`UnknownCall`) for a call the identity may not read: one of another
    agent, to a role that reads only its own."""
    if not may(identity, "read_all") and stored.agent != identity.agent:
        raise UnknownCall(stored.id)


def check_answers(identity: Identity, stored: StoredCall) -> None:
    """Refuse an answer the identity may not give: 403 for a role that answers none, 404
    for a CSO's answer to another agent's call; log a supervisor's take-over."""
    if not may(identity, "answer"):
        raise HttpProblem(
            403,
            "forbidden",
            Text(
                id=f"peran {identity.role!r} tidak boleh menjawab panggilan",
                en=f"role {identity.role!r} may not answer calls",
            ),
            role=identity.role,
        )
    check_reads(identity, stored)
    if stored.agent != identity.agent and identity.role != DEV_ROLE:
        log.info(
            "call %s taken over by %s %s from agent %s",
            stored.id,
            identity.role,
            identity.agent,
            stored.agent,
        )


def listing_agent(identity: Identity, asked: str | None) -> tuple[str | None, bool]:
    """The agent a listing is kept to, and whether it can match anything: a role that
    reads only its own calls lists only its own, whatever agent it asks for."""
    if may(identity, "read_all"):
        return asked, True
    return identity.agent, asked is None or asked == identity.agent
