from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import CallStore, open_store
from tests.support.backends import (
    PATIENCE,
    SECRET,
    TOKENS,
    ServerThread,
    postgres_url,
    store_url,
)

__all__ = ["postgres_url"]


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    path = tmp_path / "tokens"
    path.write_text(
        "# token agent\n" + "".join(f"{t} {a}\n" for t, a in TOKENS.items()), encoding="utf-8"
    )
    return path


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret"
    path.write_bytes(SECRET + b"\n")
    return path


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CallStore]:
    opened = open_store(store_url(request.param, tmp_path, request))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def base_url(store: CallStore, tokens_file: Path, secret_file: Path) -> Iterator[str]:
    """The service on a free loopback port, over a real socket, with a token file."""
    app = create_app(ServiceConfig(tokens_file=tokens_file, secret_file=secret_file), store)
    with ServerThread(app) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    """A real HTTP client, as agent ana."""
    with httpx.Client(
        base_url=base_url, headers={"Authorization": "Bearer tok-ana-0123456789"}, timeout=PATIENCE
    ) as opened:
        yield opened
