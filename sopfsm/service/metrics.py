"""``GET /metrics``: what an operator watches, in the Prometheus text format.

Requests by route template and status with their latency, answers by SOP and outcome,
refusals by reason (the problem type), the store's commit latency, and the calls this
group of servers started and has not seen end. With ``sopfsm serve --workers N`` every
worker writes its figures to files in ``$PROMETHEUS_MULTIPROC_DIR`` (``serve`` sets it)
and ``/metrics``, whichever worker answers it, adds up all of them.

No label holds an agent, a call id, a raw path or an answer: only route templates, SOP
ids, outcome codes, problem types and the standard HTTP methods, a closed set each.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from prometheus_client.multiprocess import MultiProcessCollector
from starlette.requests import Request
from starlette.responses import Response

from sopfsm.service.config import MULTIPROC_ENV

# Answers take a few milliseconds; a slow disk or a busy PostgreSQL hundreds.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

REQUESTS = Counter(
    "sopfsm_requests", "HTTP requests answered, by route template and status",
    ["method", "route", "status"],
)  # fmt: skip
REQUEST_SECONDS = Histogram(
    "sopfsm_request_seconds", "Time to answer an HTTP request, by route template",
    ["method", "route"], buckets=BUCKETS,
)  # fmt: skip
ANSWERS = Counter(
    "sopfsm_answers", "Answers applied to calls, by SOP and the outcome reached ('open': none)",
    ["sop", "outcome"],
)  # fmt: skip
REFUSALS = Counter(
    "sopfsm_refusals", "Requests refused, by reason (the problem type of the response)",
    ["reason"],
)  # fmt: skip
COMMIT_SECONDS = Histogram(
    "sopfsm_store_commit_seconds", "Time for the store to commit a new call or an answer",
    ["store", "operation"], buckets=BUCKETS,
)  # fmt: skip
CALLS_OPEN = Gauge(
    "sopfsm_calls_open",
    "Calls started and not ended, counted by these servers since they started",
    multiprocess_mode="sum",
)
OPEN = "open"


M = TypeVar("M", Counter, Gauge, Histogram)
_CHILDREN: dict[tuple[object, tuple[str, ...]], Any] = {}
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
OTHER_METHOD = "OTHER"


def labelled(metric: M, *values: str) -> M:
    """``metric.labels(*values)``, kept once made: prometheus_client looks a child up
    under a lock on every request, and the labels here are a closed set, so the dict
    stays as small as the set."""
    key = (metric, values)
    child = _CHILDREN.get(key)
    if child is None:
        child = _CHILDREN[key] = metric.labels(*values)
    return child


def method_label(method: str) -> str:
    """An HTTP method as a label: any other word a client sends is ``OTHER``, so that no
    client can make a series per word it makes up."""
    return method if method in METHODS else OTHER_METHOD


def store_kind(store: object) -> str:
    """``sqlite``, ``postgres`` or ``memory``: the store's module as a label, never its URL
    (and never ``store.where``, which asks the file system where a SQLite file is)."""
    kind = type(store).__module__.rpartition(".")[2]
    return kind if kind in ("sqlite", "postgres", "memory") else "other"


@contextmanager
def commit_timer(store: object, operation: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    labelled(COMMIT_SECONDS, store_kind(store), operation).observe(time.perf_counter() - started)


def started(outcome: str | None) -> None:
    """A call was started; with given answers it may already have ended."""
    if outcome is None:
        CALLS_OPEN.inc()


def answered(sop: str, before: str | None, after: str | None) -> None:
    """An answer moved a call of ``sop``; ``after`` is its outcome, if it has one now."""
    labelled(ANSWERS, sop, after or OPEN).inc()
    if before is None and after is not None:
        CALLS_OPEN.dec()


def registry() -> CollectorRegistry:
    """Every worker's figures with workers, or this process's alone."""
    if os.environ.get(MULTIPROC_ENV):
        collected = CollectorRegistry()
        MultiProcessCollector(collected)  # type: ignore[no-untyped-call]
        return collected
    return REGISTRY


async def metrics(_request: Request) -> Response:
    return Response(generate_latest(registry()), media_type=CONTENT_TYPE_LATEST)
