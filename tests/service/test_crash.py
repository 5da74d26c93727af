"""A real ``python -m sopfsm serve`` killed with SIGKILL in the middle of load: on
restart every answer it acknowledged is there, and every call resumes where it stood."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.backends import PATIENCE, TOKENS, free_port, store_url
from tests.support.load import Acknowledged, answer_until_done, check_against_logs, start_calls

ROOT = Path(__file__).parent.parent.parent
AGENTS = 8
CALLS = 30


@contextmanager
def serving(store: str, tokens: Path, port: int) -> Iterator[subprocess.Popen[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "sopfsm", "serve", "--store", store, "--tokens", str(tokens),
         "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=PATIENCE)
                if ready.status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, process.communicate()[0]
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not come up")
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.communicate()


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_killed_server_keeps_every_answer_it_acknowledged(
    kind: str, tmp_path: Path, tokens_file: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url(kind, tmp_path, request)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {next(iter(TOKENS))}"}
    acknowledged = Acknowledged()
    with serving(url, tokens_file, port) as server:
        first = server.stdout
        clients = [
            httpx.Client(base_url=base, headers=headers, timeout=PATIENCE) for _ in range(AGENTS)
        ]
        call_ids = start_calls(clients[0], CALLS)
        stop = threading.Event()
        failures: list[BaseException] = []

        def agent(n: int) -> None:
            try:
                answer_until_done(clients[n], call_ids, acknowledged, seed=n, stop=stop)
            except BaseException as error:
                failures.append(error)

        threads = [threading.Thread(target=agent, args=(n,)) for n in range(AGENTS)]
        for thread in threads:
            thread.start()
        while len(acknowledged.answers) < 20 and not failures:
            time.sleep(0.01)
        stop.set()  # from here a refused connection is expected, not a failure
        server.send_signal(signal.SIGKILL)
        for thread in threads:
            thread.join(PATIENCE)
        for client in clients:
            client.close()
        assert not any(thread.is_alive() for thread in threads), "an agent is stuck"
        assert not failures, failures
        assert server.wait(PATIENCE) == -signal.SIGKILL
        assert first is not None
    kept_before_restart = dict(acknowledged.answers)
    assert kept_before_restart, "no answer was acknowledged before the kill"

    with (
        serving(url, tokens_file, port),
        httpx.Client(base_url=base, headers=headers, timeout=PATIENCE) as client,
    ):
        calls = check_against_logs(client, call_ids, acknowledged)
        logged = {(c["id"], n) for c in calls for n in range(1, len(c["log"]) + 1)}
        assert set(kept_before_restart) <= logged  # nothing acknowledged was lost
        # Every call resumes where it stood: answer on until each has its outcome.
        answer_until_done(client, call_ids, acknowledged, seed=99, stop=threading.Event())
        finished = check_against_logs(client, call_ids, acknowledged)
        assert all(c["outcome"] is not None for c in finished)
