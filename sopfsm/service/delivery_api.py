"""``/v1/deliveries``: the APKT outbox as an operator sees it, and a retry by hand.

``GET /v1/deliveries?state=pending|delivered|dead`` lists report revisions newest first
(a page, with ``next``), ``GET /v1/deliveries/{id}`` shows one with the document sent,
``POST /v1/deliveries/{id}/retry`` makes a dead (or waiting) one due now. Supervisors and
admins only: the documents hold the customer's details, shown in full to a supervisor
and masked for an admin, who is not one of those who need them (docs/service.md).
"""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from sopfsm.call import utc_now
from sopfsm.delivery.view import delivery_body, headline
from sopfsm.errors import UnknownDelivery
from sopfsm.service import personal, roles
from sopfsm.service.api import FastJSONResponse
from sopfsm.service.auth import Identity
from sopfsm.service.problems import HttpProblem
from sopfsm.service.requests import cursor_query, cursor_text, int_query, only_params
from sopfsm.store.base import DELIVERY_STATES, CallStore
from sopfsm.text import Text

MAX_PAGE = 500
_LARGEST_ID = 2**63 - 1  # a delivery id is a 64-bit row id in every store


def routes() -> list[Route]:
    return [
        Route("/deliveries", list_deliveries, methods=["GET"]),
        Route("/deliveries/{delivery_id}", show_delivery, methods=["GET"]),
        Route("/deliveries/{delivery_id}/retry", retry_delivery, methods=["POST"]),
    ]


async def list_deliveries(request: Request) -> Response:
    identity = roles.require(request, "deliveries")
    only_params(request, ("state", "limit", "cursor"))
    state = _state(request)
    limit = int_query(request, "limit", 50, 1, MAX_PAGE)
    before = cursor_query(request)
    found = await run_in_threadpool(_store(request).deliveries, state, before, limit)
    return _json(
        {
            "deliveries": [_shown(identity, delivery_body(d)) for d in found],
            "next": cursor_text(found[-1].id) if len(found) == limit else None,
        }
    )


async def show_delivery(request: Request) -> Response:
    identity = roles.require(request, "deliveries")
    only_params(request, ())
    found = await run_in_threadpool(_store(request).delivery, _id(request))
    body = _shown(identity, delivery_body(found, document=True))
    if not roles.may(identity, "read_personal"):  # an admin: the document, masked
        body["document"] = personal.masked_document(body["document"])
    return _json(body)


def _shown(identity: Identity, body: dict[str, Any]) -> dict[str, Any]:
    """``body`` for ``identity``: to one who may not read personal data, the receiver's
    words in ``last_error`` are left out (they may quote the customer back)."""
    if body["last_error"] and not roles.may(identity, "read_personal"):
        body["last_error"] = headline(body["last_error"])
    return body


async def retry_delivery(request: Request) -> Response:
    identity = roles.require(request, "deliveries")
    only_params(request, ())
    retried = await run_in_threadpool(_store(request).retry, _id(request), utc_now())
    roles.log.info(
        "delivery %d (report %s revision %d) retried by %s %s",
        retried.id, retried.report_id, retried.revision, identity.role, identity.agent,
    )  # fmt: skip
    wake = getattr(request.app.state, "reported", None)
    if wake is not None:
        wake()
    return _json(_shown(identity, delivery_body(retried)))


def _state(request: Request) -> str | None:
    state = request.query_params.get("state")
    if state is None or state in DELIVERY_STATES:
        return state
    accepted = ", ".join(DELIVERY_STATES)
    raise HttpProblem(
        400,
        "malformed-request",
        Text(
            id=f"state harus salah satu dari {accepted}, bukan {state[:40]!r}",
            en=f"state must be one of {accepted}, not {state[:40]!r}",
        ),
        field="state",
        accepted=list(DELIVERY_STATES),
    )


def _id(request: Request) -> int:
    text = request.path_params["delivery_id"]
    if text.isascii() and text.isdigit() and len(text) <= 19 and 1 <= int(text) <= _LARGEST_ID:
        return int(text)
    raise UnknownDelivery(text[:40])


def _store(request: Request) -> CallStore:
    store: CallStore = request.app.state.store
    return store


def _json(body: Any) -> Response:
    return FastJSONResponse(body)
