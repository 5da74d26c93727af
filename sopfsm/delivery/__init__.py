"""Delivery of APKT reports: the outbox's revisions POSTed to the APKT endpoint, signed,
retried with backoff, never lost.

A call's report is written to the store's outbox in the same transaction as the change of
the call that made it (:mod:`sopfsm.report`, :meth:`sopfsm.store.CallStore.append`); a
:class:`Deliverer` takes due revisions from the outbox (``claim``: a lease, and on
PostgreSQL row locks with ``SKIP LOCKED``), sends each to the one endpoint an operator
configured, and keeps what came of it (``settle``). Delivery is at least once; the
receiver deduplicates by the ``Idempotency-Key`` header and checks the signature
(:mod:`sopfsm.delivery.signature`).
"""

from __future__ import annotations

from sopfsm.delivery.deliverer import Deliverer, DeliveryOptions
from sopfsm.delivery.endpoint import check_endpoint
from sopfsm.delivery.policy import RetryPolicy
from sopfsm.delivery.signature import (
    KEY_HEADER,
    SIGNATURE_HEADER,
    dev_key,
    read_keys,
    sign,
    verify,
)

__all__ = [
    "KEY_HEADER",
    "SIGNATURE_HEADER",
    "Deliverer",
    "DeliveryOptions",
    "RetryPolicy",
    "check_endpoint",
    "dev_key",
    "read_keys",
    "sign",
    "verify",
]
