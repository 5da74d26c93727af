from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from sopfsm.store import CallStore, open_store
from tests.support.backends import postgres_url, store_url

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
