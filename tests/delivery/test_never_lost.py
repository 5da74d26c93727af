"""1,000 calls through real ``sopfsm serve`` and ``sopfsm deliver`` processes to a receiver
that fails, hangs, drops connections and asks to wait: with the deliverer and the server
each killed by SIGKILL mid-run and restarted, every report of every acknowledged call
arrives, at its last revision, signed, and every repeat carries the same key and body.
On PostgreSQL, two deliverers never have one report in flight at once."""

from __future__ import annotations

import concurrent.futures
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from sopfsm.signing import SigningKey
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread, free_port, store_url
from tests.support.receiver import CLOSE, FAIL, HANG, PAUSE, SLOW, Receiver, share
from tests.support.servers import ROOT

KEY = SigningKey("apkt-e2e", b"the receiver and sopfsm share this secret")
CALLS = int(os.environ.get("E2E_CALLS", "1000"))
BATCH = 50  # calls made at once, by eight agents
CORRECTED = 10  # every tenth call is corrected after its outcome: a second revision
DEADLINE = 120.0  # seconds for every report to arrive once the calls are made


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


class Running:
    """A ``python -m sopfsm`` process, its output in a log file (a pipe nobody reads
    would fill up and stop it), killed by SIGKILL and started again at will."""

    def __init__(self, args: list[str], log: Path, ready: str | None = None) -> None:
        self.args, self.log, self.ready = args, log, ready
        self.output = log.open("a")
        self.process = self._start()

    def _start(self) -> subprocess.Popen[str]:
        process = subprocess.Popen(
            [sys.executable, "-m", "sopfsm", *self.args], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=self.output,
            stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        deadline = time.monotonic() + PATIENCE
        while self.ready is not None and time.monotonic() < deadline:
            try:
                if httpx.get(self.ready, timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                assert process.poll() is None, self.log.read_text()
                time.sleep(0.1)
        else:
            assert self.ready is None, "the server did not come up"
        return process

    def kill_and_restart(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        assert self.process.wait(PATIENCE) == -signal.SIGKILL
        self.process = self._start()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(PATIENCE)
        self.output.close()


def serving(store: str, port: int, log: Path) -> Running:
    args = ["serve", "--dev", "--store", store, "--port", str(port)]
    return Running(args, log, ready=f"http://127.0.0.1:{port}/readyz")


def delivering(store: str, to: str, keys: Path) -> Running:
    args = ["deliver", "--store", store, "--to", to, "--keys", str(keys), "--poll", "0.1",
            "--timeout", "1"]  # fmt: skip
    return Running(args, keys.parent / "deliver.log")


def keys_file(tmp_path: Path) -> Path:
    path = tmp_path / "delivery.keys"
    path.write_text(f"{KEY.id} {KEY.secret.decode()}\n", encoding="utf-8")
    return path


def make_call(base: str, n: int) -> str | None:
    """Call ``n``: an outcome at once, corrected after it for every tenth call; the call's
    id once the last change was acknowledged, None if a server was down meanwhile."""
    answers = {"accepts_explanation": "tidak", "meter_reading": 1000 + n}
    try:
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer cso-{n % 8}"},
                          timeout=PATIENCE) as client:  # fmt: skip
            started = client.post("/v1/calls", json={"sop": "lebih-tagih", "answers": answers})
            if started.status_code != 201:
                return None
            call = started.json()
            if n % CORRECTED == 0:
                corrected = client.post(
                    f"/v1/calls/{call['id']}/corrections",
                    json={"question": "accepts_explanation", "value": "ya",
                          "reason": "salah dengar", "revision": call["revision"]},
                )  # fmt: skip
                if corrected.status_code != 200:
                    return None
            return str(call["id"])
    except httpx.TransportError:
        return None


def wait_for(condition: object, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.2)
    return False


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_no_report_is_lost_when_the_server_and_the_deliverer_are_killed(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url(kind, tmp_path, request)
    keys = keys_file(tmp_path)
    rng = random.Random(21)
    receiver = Receiver(
        {KEY.id: KEY.secret},
        share(rng, {FAIL: 0.08, CLOSE: 0.03, HANG: 0.02, PAUSE: 0.03}),
        hang_seconds=2.0,
    )
    acknowledged: list[str] = []
    with ServerThread(receiver) as receiving:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = serving(url, port, tmp_path / "serve.log")
        deliverer = delivering(url, f"{receiving}/apkt", keys)
        try:
            with concurrent.futures.ThreadPoolExecutor(8) as pool:
                for first in range(0, CALLS, BATCH):
                    batch = pool.map(lambda n: make_call(base, n), range(first, first + BATCH))
                    if first == BATCH * (CALLS // BATCH // 3):
                        deliverer.kill_and_restart()  # mid-run, reports in flight
                    if first == BATCH * (2 * CALLS // BATCH // 3):
                        time.sleep(0.05)
                        server.kill_and_restart()  # mid-run, calls in flight
                    acknowledged += [made for made in batch if made is not None]
            expected = latest_revisions(url, acknowledged)
            arrived = wait_for(lambda: expected <= set(receiver.delivered()), DEADLINE)
            # The deliverer records a delivery once the receiver's answer reaches it, a
            # moment after the receiver counts it: it is given that moment before it stops.
            recorded = wait_for(lambda: expected <= _delivered(url, kind), PATIENCE)
        finally:
            deliverer.stop()
            server.stop()
    assert len(acknowledged) >= CALLS - BATCH, "all but the calls in flight at the kill"
    assert arrived, f"{len(expected - set(receiver.delivered()))} reports never arrived"
    # Every request was signed with the key; each key always carried the same document.
    assert all(r.signed_by == KEY.id for r in receiver.received if r.path == "/apkt")
    bodies: dict[str, bytes] = {}
    for r in receiver.received:
        assert bodies.setdefault(r.key, r.body) == r.body, r.key
    # Nothing arrived that the store does not hold, and the store agrees it was delivered.
    store = open_store(url, read_only=kind == "sqlite")
    try:
        held = {f"{d.report_id}:{d.revision}": d for d in store.deliveries(limit=10 * CALLS)}
    finally:
        store.close()
    assert set(bodies) <= set(held)
    assert recorded, f"{len(expected - _delivered(url, kind))} deliveries never recorded"
    assert len(receiver.received) > len(expected), "the receiver's failures made repeats"


def _delivered(url: str, kind: str) -> set[str]:
    """The report revisions the store holds as delivered."""
    store = open_store(url, read_only=kind == "sqlite")
    try:
        deliveries = store.deliveries(limit=10 * CALLS)
    finally:
        store.close()
    return {f"{d.report_id}:{d.revision}" for d in deliveries if d.state == "delivered"}


def latest_revisions(url: str, call_ids: list[str]) -> set[str]:
    """The idempotency key of the latest report revision of each call."""
    store = open_store(url)
    try:
        reports = [store.get(call_id).report for call_id in call_ids]
    finally:
        store.close()
    assert all(r is not None for r in reports), "every acknowledged call has its report"
    return {f"{r.report_id}:{r.revision}" for r in reports if r is not None}


def test_two_deliverers_on_postgresql_never_hold_one_report_at_once(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url("postgres", tmp_path, request)
    keys = keys_file(tmp_path)
    # Slow answers keep many attempts in flight at once, so a shared one would show.
    receiver = Receiver({KEY.id: KEY.secret}, share(random.Random(5), {SLOW: 0.5}))
    calls = 200
    with ServerThread(receiver) as receiving, service_in_process(url) as base:
        with concurrent.futures.ThreadPoolExecutor(8) as pool:
            made = [c for c in pool.map(lambda n: make_call(base, n + 1), range(calls)) if c]
        assert len(made) == calls
        revisions = latest_revisions(url, made) | {f"apkt-{c}:1" for c in made}
        deliverers = [delivering(url, f"{receiving}/apkt", keys) for _ in range(2)]
        try:
            arrived = wait_for(lambda: revisions <= set(receiver.delivered()), DEADLINE)
            time.sleep(0.5)  # time for a second sending, if one were to come
        finally:
            for deliverer in deliverers:
                deliverer.stop()
    assert arrived
    assert receiver.overlaps == []
    # A healthy receiver: each revision sent exactly once, between the two of them.
    keys_sent = [r.key for r in receiver.received]
    assert len(keys_sent) == len(set(keys_sent))
    assert set(keys_sent) == revisions


@contextmanager
def service_in_process(url: str) -> Iterator[str]:
    """The service in this process, with calls kept in ``url``."""
    from sopfsm.service.app import create_app
    from sopfsm.service.config import ServiceConfig

    store = open_store(url)
    try:
        with ServerThread(create_app(ServiceConfig(dev=True), store)) as base:
            yield base
    finally:
        store.close()
