"""The service delivering its own reports: a call's JSON says where its report stands,
``/v1/deliveries`` shows and retries them, a correction sends a new revision, and
``serve --dev --deliver-to`` makes a key for the session that a receiver can read."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sopfsm.delivery import read_keys
from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import CallStore
from tests.support.backends import PATIENCE, ServerThread, free_port
from tests.support.receiver import GONE, OK, Receiver
from tests.support.servers import ROOT

SECRET = "the receiver and sopfsm share this secret"
PROBLEM = "application/problem+json"


@pytest.fixture
def receiver() -> Receiver:
    # The first report is refused for good (410), every later one taken.
    return Receiver({"apkt-1": SECRET.encode()}, lambda n: GONE if n == 0 else OK)


@pytest.fixture
def client(store: CallStore, receiver: Receiver, tmp_path: Path) -> Iterator[httpx.Client]:
    keys = tmp_path / "delivery.keys"
    keys.write_text(f"apkt-1 {SECRET}\n", encoding="utf-8")
    with ServerThread(receiver) as receiving:
        config = ServiceConfig(dev=True, deliver_to=f"{receiving}/apkt", delivery_keys=keys)
        with (
            ServerThread(create_app(config, store)) as base,
            httpx.Client(
                base_url=base, headers={"Authorization": "Bearer sari"}, timeout=PATIENCE
            ) as opened,  # fmt: skip
        ):
            yield opened


def settled(client: httpx.Client, call_id: str, state: str) -> dict[str, Any]:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        call: dict[str, Any] = client.get(f"/v1/calls/{call_id}").json()
        if call["report"] is not None and call["report"]["state"] == state:
            return call
        time.sleep(0.02)
    raise AssertionError(f"the report of {call_id} never became {state}: {call['report']}")


def test_the_call_follows_its_report_through_delivery_death_and_retry(
    client: httpx.Client, receiver: Receiver
) -> None:
    started = client.post("/v1/calls", json={"sop": "lebih-tagih"}).json()
    assert started["report"] is None  # no outcome yet: no report
    answered = client.post(f"/v1/calls/{started['id']}/answers", json={
        "question": "accepts_explanation", "value": "ya", "revision": 0}).json()  # fmt: skip
    assert answered["report"]["id"] == f"apkt-{started['id']}"
    dead = settled(client, started["id"], "dead")["report"]
    assert (dead["revision"], dead["kind"], dead["delivered"]) == (1, "report", False)

    [listed] = client.get("/v1/deliveries", params={"state": "dead"}).json()["deliveries"]
    assert listed["last_status"] == 410 and "retired" in listed["last_error"]
    shown = client.get(f"/v1/deliveries/{listed['id']}").json()
    assert shown["document"]["outcome"]["code"] == "APKT_ISSUE_CLOSED"
    assert shown["document"]["revision"] == 1

    again = client.post(f"/v1/deliveries/{listed['id']}/retry")
    assert again.status_code == 200 and again.json()["state"] == "pending"
    delivered = settled(client, started["id"], "delivered")["report"]
    assert delivered["delivered"] is True
    refused = client.post(f"/v1/deliveries/{listed['id']}/retry")
    assert (refused.status_code, refused.headers["content-type"]) == (409, PROBLEM)

    # A correction that changes the outcome: a second revision of the same report.
    corrected = client.post(f"/v1/calls/{started['id']}/corrections", json={
        "question": "accepts_explanation", "value": "tidak", "reason": "salah dengar",
        "revision": 1})  # fmt: skip
    assert corrected.status_code == 200, corrected.text
    assert corrected.json()["report"]["kind"] == "withdrawal"  # open again: withdrawn
    withdrawn = settled(client, started["id"], "delivered")["report"]
    assert (withdrawn["revision"], withdrawn["kind"]) == (2, "withdrawal")
    assert [r.key for r in receiver.received if r.answered == OK] == [
        f"apkt-{started['id']}:1", f"apkt-{started['id']}:2",
    ]  # fmt: skip
    assert all(r.signed_by == "apkt-1" for r in receiver.received)


@pytest.mark.parametrize(
    ("query", "field"),
    [({"state": "lost"}, "state"), ({"limit": "0"}, "limit"), ({"cursor": "x"}, "cursor"),
     ({"colour": "red"}, "colour")],
)  # fmt: skip
def test_a_bad_deliveries_query_is_a_400_naming_the_field(
    client: httpx.Client, query: dict[str, str], field: str
) -> None:
    response = client.get("/v1/deliveries", params=query)
    assert (response.status_code, response.headers["content-type"]) == (400, PROBLEM)
    assert field in response.text


@pytest.mark.parametrize("delivery", ["0", "x", "99999999999999999999", "1e3"])
def test_an_unknown_delivery_is_a_404(client: httpx.Client, delivery: str) -> None:
    for response in (client.get(f"/v1/deliveries/{delivery}"),
                     client.post(f"/v1/deliveries/{delivery}/retry")):  # fmt: skip
        assert (response.status_code, response.headers["content-type"]) == (404, PROBLEM)


def test_serve_dev_makes_a_key_for_the_session_and_names_only_its_file(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOPFSM_DELIVER")}
    with log.open("w") as output:
        process = subprocess.Popen(
            [sys.executable, "-m", "sopfsm", "serve", "--dev", "--port", str(port), "--store",
             "memory:", "--deliver-to", "http://127.0.0.1:9/apkt"],
            cwd=ROOT, env={**env, "PYTHONPATH": str(ROOT)}, stdout=output,
            stderr=subprocess.STDOUT,
        )  # fmt: skip
        try:
            deadline = time.monotonic() + PATIENCE
            while "delivered to" not in log.read_text() and time.monotonic() < deadline:
                assert process.poll() is None, log.read_text()
                time.sleep(0.05)
        finally:
            process.terminate()
            try:
                assert process.wait(PATIENCE) == 0, log.read_text()
            finally:
                if process.poll() is None:
                    process.kill()
                    process.wait(PATIENCE)
    said = log.read_text()
    line = next(line for line in said.splitlines() if "delivered to" in line)
    keys_file = Path(line.rsplit("keys file ", 1)[1].rstrip(")"))
    [key] = read_keys(keys_file)
    assert key.id.startswith("dev-") and key.id in line
    assert key.secret.decode() not in said
    assert keys_file.stat().st_mode & 0o077 == 0


def test_a_change_that_makes_no_revision_answers_with_the_delivery_as_it_stands(
    client: httpx.Client,
) -> None:
    client.post("/v1/calls", json={"sop": "lebih-tagih", "answers": {"accepts_explanation": "ya"}})
    started = client.post(
        "/v1/calls", json={"sop": "lebih-tagih", "answers": {"accepts_explanation": "ya"}}
    ).json()
    assert started["report"]["state"] == "pending"
    settled(client, started["id"], "delivered")
    closed = client.post(f"/v1/calls/{started['id']}/close", json={"revision": 1})
    assert closed.status_code == 200, closed.text
    assert closed.json()["report"] == {
        "id": f"apkt-{started['id']}", "revision": 1, "kind": "report", "state": "delivered",
        "delivered": True,
    }  # fmt: skip
