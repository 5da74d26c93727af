"""One JSON view of a delivery: the API's, and ``sopfsm deliveries --json``'s."""

from __future__ import annotations

from typing import Any

from sopfsm.store.base import Delivery


def delivery_body(delivery: Delivery, *, document: bool = False) -> dict[str, Any]:
    """A delivery as the API and ``sopfsm deliveries --json`` show it."""
    body: dict[str, Any] = {
        "id": delivery.id,
        "report": delivery.report_id,
        "revision": delivery.revision,
        "call": delivery.call_id,
        "kind": delivery.kind,
        "state": delivery.state,
        "attempts": delivery.attempts,
        "idempotency_key": delivery.idempotency_key,
        "created": delivery.created.isoformat(),
        "next_attempt": delivery.next_at.isoformat() if delivery.state == "pending" else None,
        "delivered": None if delivery.delivered_at is None else delivery.delivered_at.isoformat(),
        "last_status": delivery.last_status,
        "last_error": delivery.last_error,
    }
    if document:
        body["document"] = delivery.payload()
    return body


def headline(why: str) -> str:
    """Why an attempt failed, up to the receiver's own words, which may quote the
    customer's details back: what a log line, or a role that may not read personal data,
    is told."""
    if why[:3].isdigit() or why.startswith(("refused", "gave")):
        return why.split(": ", 1)[0]
    return why[:120]
