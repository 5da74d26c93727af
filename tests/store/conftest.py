from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from sopfsm.store import CallStore, open_store
from tests.support.backends import postgres_url, store_url
from tests.support.loops import on_loop, running_loop

__all__ = ["postgres_url"]


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return store_url(request.param, tmp_path, request)


@pytest.fixture(params=["sqlite", "postgres"])
def durable_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A store that keeps its calls past a close."""
    return store_url(request.param, tmp_path, request)


@pytest.fixture
def store(url: str) -> Iterator[CallStore]:
    opened = open_store(url)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture(params=["off a loop", "on a loop"])
def soon(request: pytest.FixtureRequest) -> Iterator[Callable[[Callable[[], Any]], Any]]:
    """Runs work that calls a store's ``*_soon`` methods as a thread would, or in one step
    of an event loop, as the service does (PostgreSQL commits the writes a loop queued
    together on that loop)."""
    if request.param == "off a loop":
        yield lambda work: work()
        return
    with running_loop() as loop:
        yield functools.partial(on_loop, loop)
