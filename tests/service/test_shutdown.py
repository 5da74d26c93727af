"""``sopfsm serve`` stopped with SIGTERM under load: it drains the requests in flight,
closes its store and exits 0 within its shutdown time, and every answer it acknowledged
is there when it starts again; with one worker and with two."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.support.backends import PATIENCE, TOKENS, store_url
from tests.support.load import Acknowledged, answer_until_done, check_against_logs, start_calls

ROOT = Path(__file__).parent.parent.parent
AGENTS = 6
CALLS = 24
SHUTDOWN_SECONDS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def serving(
    store: str, tokens: Path, port: int, workers: int, log: Path
) -> Iterator[subprocess.Popen[str]]:
    """The server, its output (a JSON line per request) in ``log``: a pipe would fill."""
    output = log.open("a", encoding="utf-8")
    process = subprocess.Popen(
        [sys.executable, "-m", "sopfsm", "serve", "--store", store, "--tokens", str(tokens),
         "--port", str(port), "--workers", str(workers),
         "--shutdown-seconds", str(SHUTDOWN_SECONDS)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=output,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=PATIENCE).is_success:
                    break
            except httpx.TransportError:
                assert process.poll() is None, log.read_text(encoding="utf-8")
                time.sleep(0.1)
        else:
            raise AssertionError("the server did not come up")
        yield process
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(PATIENCE)
        output.close()


@pytest.mark.parametrize("workers", [1, 2])
@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_sigterm_under_load_drains_exits_0_and_keeps_every_acknowledged_answer(
    kind: str, workers: int, tmp_path: Path, tokens_file: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url(kind, tmp_path, request)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {next(iter(TOKENS))}"}
    acknowledged = Acknowledged()
    log = tmp_path / "server.log"
    with serving(url, tokens_file, port, workers, log) as server:
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
        sent = time.monotonic()
        server.send_signal(signal.SIGTERM)
        code = server.wait(SHUTDOWN_SECONDS + PATIENCE / 4)
        took = time.monotonic() - sent
        for thread in threads:
            thread.join(PATIENCE)
        for client in clients:
            client.close()
        assert not any(thread.is_alive() for thread in threads), "an agent is stuck"
        assert not failures, failures
        assert code == 0, log.read_text(encoding="utf-8")[-3000:]
        assert took < SHUTDOWN_SECONDS + 10  # start-up of python aside, within its time
    kept = dict(acknowledged.answers)
    assert kept, "no answer was acknowledged before SIGTERM"

    with (
        serving(url, tokens_file, port, 1, log),
        httpx.Client(base_url=base, headers=headers, timeout=PATIENCE) as client,
    ):
        calls = check_against_logs(client, call_ids, acknowledged)
        logged = {(c["id"], n) for c in calls for n in range(1, len(c["log"]) + 1)}
        assert set(kept) <= logged  # nothing acknowledged was lost


@pytest.mark.parametrize("after", ["listening on", "delivered to"])
def test_a_sigterm_while_the_server_starts_stops_it_with_exit_0(after: str, tmp_path: Path) -> None:
    """A stop asked for before uvicorn has taken the signal over is not lost."""
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOPFSM_")}
    root = Path(__file__).parents[2]
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sopfsm", "serve", "--dev", "--port", "0", "--store",
             "memory:", "--deliver-to", "http://127.0.0.1:9/apkt"],
            cwd=root, env={**env, "PYTHONPATH": str(root)}, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + PATIENCE
            while after not in log.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                time.sleep(0.005)
            process.send_signal(signal.SIGTERM)
            assert process.wait(PATIENCE) == 0, log.read_text()
        finally:
            if process.poll() is None:
                process.kill()
                process.wait(PATIENCE)
