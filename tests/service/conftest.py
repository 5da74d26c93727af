from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.auth import TokenEntry, digest_of, new_token
from sopfsm.service.config import ServiceConfig
from sopfsm.store import CallStore, open_store
from tests.support.backends import (
    PATIENCE,
    SECRET,
    TOKENS,
    ServerThread,
    free_port,
    postgres_url,
    store_url,
)
from tests.support.servers import ROOT, Served, faketime_env

__all__ = ["postgres_url"]


@pytest.fixture
def tokens_file(tmp_path: Path) -> Path:
    """Ana's and Budi's tokens, hashed, as supervisors: the tests that predate roles race
    and read each other's calls (tests/service/test_roles.py checks each role's rights)."""
    path = tmp_path / "tokens"
    salt = bytes(16)
    path.write_text(
        "# hash agent role\n"
        + "".join(
            f"{TokenEntry(a, 'supervisor', digest_of(salt, t.encode()), salt).line()}\n"
            for t, a in TOKENS.items()
        ),
        encoding="utf-8",
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


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Served]]:
    """Start ``sopfsm serve`` processes (each on a free port, stopped afterwards);
    ``clock="-20s"`` runs one under libfaketime with its clock that far off."""
    started: list[subprocess.Popen[str]] = []

    def start(*args: str, clock: str | None = None) -> Served:
        port = free_port()
        command = [sys.executable, "-m", "sopfsm", "serve", "--port", str(port), *args]
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        if clock is not None:
            env.update(faketime_env(clock))
        process = subprocess.Popen(
            command,
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/healthz", timeout=PATIENCE).status_code == 200:
                    return Served(process, url)
            except httpx.TransportError:
                if process.poll() is not None:
                    raise AssertionError(process.communicate()[0]) from None
                time.sleep(0.1)
        raise AssertionError("the server did not come up")

    try:
        yield start
    finally:
        for process in started:
            if process.poll() is None:
                process.terminate()
            try:
                process.communicate(timeout=PATIENCE)
            except subprocess.TimeoutExpired:
                process.kill()
                process.communicate()


ROLE_AGENTS = {"ana": "cso", "budi": "cso", "sari": "supervisor", "quinn": "qa", "adi": "admin"}


@pytest.fixture
def role_tokens(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A tokens file with an agent of every role (two CSOs: Ana and Budi), and each
    agent's token."""
    path = tmp_path / "role-tokens"
    tokens, lines = {}, []
    for agent, role in ROLE_AGENTS.items():
        tokens[agent], entry = new_token(agent, role)
        lines.append(entry.line())
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, tokens


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def any_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CallStore]:
    opened = open_store(store_url(request.param, tmp_path, request))
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def role_clients(
    any_store: CallStore, role_tokens: tuple[Path, dict[str, str]], secret_file: Path
) -> Iterator[dict[str, httpx.Client]]:
    """The service on each store, and a client for each agent of ``role_tokens``."""
    path, tokens = role_tokens
    app = create_app(ServiceConfig(tokens_file=path, secret_file=secret_file), any_store)
    with ServerThread(app) as url:
        clients = {
            agent: httpx.Client(
                base_url=url, headers={"Authorization": f"Bearer {token}"}, timeout=PATIENCE
            )
            for agent, token in tokens.items()
        }
        try:
            yield clients
        finally:
            for client in clients.values():
                client.close()
