"""APKT report delivery: the time from the answer that makes a report to the receiver's
2xx, p50 and p99, with the deliverer woken by the service at each commit and with a
deliverer of its own process polling at the default second; and the reports per second
one deliverer sends to a healthy receiver. Its section of benchmarks/RESULTS.md.

    python benchmarks/delivery.py        # about a minute on 2 cores; loopback only

The service is a real ``sopfsm serve`` process on a SQLite store; the receiver is a
small ASGI app under uvicorn in this process, answering 200 at once and noting when each
request came. A call's latency runs from just before its client sends the answer that
reaches the outcome to the moment the receiver has the report: it includes the answer's
own request, commit and response, so it is an upper bound of commit-to-2xx.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import uvicorn
from service import free_port, write_section  # benchmarks/service.py, beside this script

HERE = Path(__file__).parent
ROOT = HERE.parent
CALLS = 150  # timed calls for each way of delivering
THROUGHPUT_REPORTS = 2000
TARGET_POLLED = 1.0  # p50, seconds, default poll
TARGET_WOKEN = 0.050  # p50, seconds, the service waking its deliverer
SECRET = "benchmark-secret-of-enough-bytes"


class Receiver:
    """Answers 200 at once and keeps when each report arrived, by idempotency key."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "lifespan":
            while True:
                kind = (await receive())["type"]
                await send({"type": f"{kind}.complete"})
                if kind == "lifespan.shutdown":
                    return
        more = True
        while more:
            message = await receive()
            more = message.get("more_body", False)
        key = dict(scope["headers"]).get(b"idempotency-key", b"").decode()
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-length", b"2")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b"{}"})
        with self.lock:
            self.arrived.setdefault(key, time.perf_counter())


@contextmanager
def receiving() -> Iterator[tuple[Receiver, str]]:
    receiver = Receiver()
    server = uvicorn.Server(uvicorn.Config(receiver, host="127.0.0.1", port=0,
                                           log_level="warning", lifespan="on"))  # fmt: skip
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield receiver, f"http://127.0.0.1:{port}/apkt"
    finally:
        server.should_exit = True
        thread.join(10)


@contextmanager
def process(args: list[str], ready: str | None = None) -> Iterator[None]:
    with tempfile.TemporaryFile() as log:
        running = subprocess.Popen(
            [sys.executable, "-m", "sopfsm", *args], cwd=ROOT,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=log, stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + 30
            while ready is not None and time.monotonic() < deadline:
                try:
                    if httpx.get(ready, timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.1)
            yield
        finally:
            running.terminate()
            running.wait(30)


def timed_calls(base: str, receiver: Receiver, gap: float = 0.0) -> list[float]:
    """Seconds from sending each call's last answer to its report's arrival; calls made
    ``gap`` seconds or less apart, at random, so that they fall anywhere in a poll."""
    waits = []
    rng = random.Random(1)
    with httpx.Client(base_url=base, headers={"Authorization": "Bearer bench"}) as client:
        for _ in range(CALLS):
            time.sleep(rng.uniform(0.0, gap))
            call = client.post("/v1/calls", json={"sop": "lebih-tagih"}).json()
            sent = time.perf_counter()
            answered = client.post(f"/v1/calls/{call['id']}/answers", json={
                "question": "accepts_explanation", "value": "ya", "revision": 0})  # fmt: skip
            assert answered.status_code == 200, answered.text
            key = f"apkt-{call['id']}:1"
            while key not in receiver.arrived:
                time.sleep(0.0005)
            waits.append(receiver.arrived[key] - sent)
    return waits


def latency(woken: bool) -> list[float]:
    with tempfile.TemporaryDirectory() as folder, receiving() as (receiver, to):
        keys = Path(folder) / "keys"
        keys.write_text(f"bench {SECRET}\n", encoding="utf-8")
        store = f"sqlite:///{folder}/calls.db"
        port = free_port()
        serve = ["serve", "--dev", "--store", store, "--port", str(port)]
        if woken:
            serve += ["--deliver-to", to, "--delivery-keys", str(keys)]
        with process(serve, ready=f"http://127.0.0.1:{port}/readyz"):
            if woken:
                return timed_calls(f"http://127.0.0.1:{port}", receiver)
            with process(["deliver", "--store", store, "--to", to, "--keys", str(keys)]):
                return timed_calls(f"http://127.0.0.1:{port}", receiver, gap=1.0)


def throughput() -> float:
    """Reports per second one deliverer sends from a full SQLite outbox."""
    import datetime as dt
    import uuid

    from sopfsm.delivery import Deliverer
    from sopfsm.signing import SigningKey
    from sopfsm.store import CallState, StoredCall, open_store
    from sopfsm.store.base import ReportChange

    with tempfile.TemporaryDirectory() as folder, receiving() as (receiver, to):
        store = open_store(f"sqlite:///{folder}/calls.db")
        at = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=1)
        state = CallState("issue_closed", ("issue_closed",), "APKT_ISSUE_CLOSED")
        for _ in range(THROUGHPUT_REPORTS):
            call_id = uuid.uuid4().hex
            call = StoredCall(id=call_id, sop="lebih-tagih", version="2020-04-10", agent="a",
                              created=at, updated=at, state=state, log=())  # fmt: skip
            body = {"report_id": f"apkt-{call_id}", "call_id": call_id, "kind": "report"}
            store.create(call, ReportChange(f"apkt-{call_id}", "report", body))
        sender = Deliverer(store, to, (SigningKey("bench", SECRET.encode()),))
        started = time.perf_counter()
        while sender.run_once():
            pass
        seconds = time.perf_counter() - started
        sender.close()
        store.close()
        assert len(receiver.arrived) == THROUGHPUT_REPORTS
        return THROUGHPUT_REPORTS / seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def section(woken: list[float], polled: list[float], rate: float) -> str:
    one, five, _ = os.getloadavg()
    rows = [
        ("the service wakes its deliverer (`serve --deliver-to`)", woken, TARGET_WOKEN),
        ("`sopfsm deliver`, polling every second (the default)", polled, TARGET_POLLED),
    ]
    lines = [
        "## APKT report delivery",
        "",
        f"`python benchmarks/delivery.py`: {CALLS} calls each way, one at a time (for the "
        "polling deliverer, up to a second apart at random, so that they fall anywhere in "
        "a poll), on SQLite "
        f"(load average {one:.1f} over the last minute, {five:.1f} over five, on "
        f"{os.cpu_count()} cores). From sending the answer that makes a call's report to the "
        "receiver having it (an upper bound of commit-to-2xx: it includes the answer's own "
        "request and response):",
        "",
        "| delivery | p50 | p99 | target p50 | verdict |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, values, target in rows:
        p50 = statistics.median(values)
        lines.append(
            f"| {name} | {p50 * 1e3:.1f} ms | {percentile(values, 0.99) * 1e3:.1f} ms | "
            f"< {target * 1e3:.0f} ms | {'met' if p50 < target else 'NOT MET'} |"
        )
    lines += [
        "",
        f"One deliverer sends **{rate:.0f} reports/s** from a full SQLite outbox of "
        f"{THROUGHPUT_REPORTS} to a receiver that answers at once (four attempts at a "
        "time, each revision claimed, signed, sent and settled in its own commit; each attempt "
        "on a connection and event loop of its own, so that the whole attempt can be cut off "
        "before its lease ends).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    woken = latency(woken=True)
    polled = latency(woken=False)
    rate = throughput()
    text = section(woken, polled, rate)
    write_section(text)
    print(text)
    print(json.dumps({"woken_p50": statistics.median(woken),
                      "polled_p50": statistics.median(polled), "reports_per_s": rate}))  # fmt: skip


if __name__ == "__main__":
    main()
