"""The call stores every store and service test runs against: memory, SQLite and a real
PostgreSQL server.

PostgreSQL is found at ``$SOPFSM_TEST_POSTGRES`` (default
``postgresql://postgres@127.0.0.1:5432/test``). Each test gets a fresh schema there,
dropped afterwards. Without a server the PostgreSQL cases are skipped with the reason,
except in CI (``$CI`` set), where a missing server fails them loudly.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path

import pytest
import uvicorn
from starlette.applications import Starlette

POSTGRES_ENV = "SOPFSM_TEST_POSTGRES"
DEFAULT_POSTGRES = "postgresql://postgres@127.0.0.1:5432/test"
# How long a test waits for a server, a request or a thread before calling it stuck. CI is a
# loaded 2-core machine where a start-up or a request can take many times its usual second;
# waiting longer costs nothing when all is well, and a stuck wait still fails.
PATIENCE = 120.0


def postgres_base() -> str:
    return os.environ.get(POSTGRES_ENV, DEFAULT_POSTGRES)


@functools.cache
def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used here, or None when it answers."""
    import psycopg

    try:
        with psycopg.connect(postgres_base(), connect_timeout=int(PATIENCE / 4)) as db:
            db.execute("SELECT 1")
    except psycopg.Error as error:
        return f"no PostgreSQL at {postgres_base()} ({str(error).strip().splitlines()[0]})"
    return None


def require_postgres() -> None:
    problem = postgres_problem()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"{problem}; CI needs it: start PostgreSQL or set {POSTGRES_ENV}")
    pytest.skip(f"{problem}; set {POSTGRES_ENV} to a server to run these tests")


def drop_schema(schema: str) -> None:
    import psycopg

    with psycopg.connect(postgres_base(), autocommit=True) as db:
        db.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A PostgreSQL store URL on a schema of this test's own, dropped afterwards."""
    require_postgres()
    schema = f"sopfsm_test_{uuid.uuid4().hex[:12]}"
    separator = "&" if "?" in postgres_base() else "?"
    try:
        yield f"{postgres_base()}{separator}schema={schema}"
    finally:
        drop_schema(schema)


def store_url(kind: str, tmp_path: Path, request: pytest.FixtureRequest) -> str:
    if kind == "memory":
        return "memory:"
    if kind == "sqlite":
        return f"sqlite:///{tmp_path / 'calls.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


class ServerThread:
    """uvicorn serving ``app`` on a free loopback port, in a thread of this process."""

    def __init__(self, app: Starlette | Callable[..., Awaitable[None]]) -> None:
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + PATIENCE
        while not self.server.started and self.thread.is_alive() and time.monotonic() < deadline:
            self.thread.join(0.01)
        assert self.server.started, "uvicorn did not start"
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def __exit__(self, exc_type: type[BaseException] | None, *_exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(PATIENCE)
        if exc_type is None:  # a failing test's own error says more than this one
            assert not self.thread.is_alive(), "uvicorn did not stop"


def free_port() -> int:
    """A loopback port free at the moment of asking, for a server started as a process."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# The service tests' agents, by token, and the service's secret.
TOKENS = {"tok-ana-0123456789": "ana", "tok-budi-9876543210": "budi"}
SECRET = b"a secret of the service, long enough"
