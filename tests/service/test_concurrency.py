"""Many agents answering the same calls at once, through two servers on one store (as
two ``sopfsm serve`` processes would be): every call ends consistent with its answer
log, and no acknowledged answer is lost or applied twice."""

from __future__ import annotations

import threading
import time
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, TOKENS, ServerThread, store_url
from tests.support.load import Acknowledged, answer_until_done, check_against_logs, start_calls

AGENTS = 12
CALLS = 10


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_agents_racing_on_the_same_calls_lose_and_duplicate_nothing(
    kind: str, tmp_path: Path, tokens_file: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url(kind, tmp_path, request)
    with ExitStack() as stack:
        servers = []
        for _ in range(2):  # two servers, each with its own connections to the one store
            store = open_store(url)
            stack.callback(store.close)
            app = create_app(ServiceConfig(tokens_file=tokens_file), store)
            servers.append(stack.enter_context(ServerThread(app)))
        tokens = list(TOKENS)
        clients = [
            stack.enter_context(
                httpx.Client(
                    base_url=servers[n % 2],
                    headers={"Authorization": f"Bearer {tokens[n % 2]}"},
                    timeout=PATIENCE,
                )
            )
            for n in range(AGENTS)
        ]
        call_ids = start_calls(clients[0], CALLS)
        acknowledged = Acknowledged()
        # First every agent answers the same question of one call at the same revision,
        # all at once: exactly one is applied, every other gets 409.
        raced = clients[0].get(f"/v1/calls/{call_ids[0]}").json()
        barrier = threading.Barrier(AGENTS, timeout=PATIENCE)
        statuses: list[int] = []
        failures: list[BaseException] = []

        def same_answer(n: int) -> None:
            try:
                barrier.wait()
                response = clients[n].post(
                    f"/v1/calls/{call_ids[0]}/answers",
                    json={"question": raced["pending"], "value": "ya", "revision": 0},
                )
            except BaseException as error:  # kept for the assertion, not lost in the thread
                failures.append(error)
                return
            statuses.append(response.status_code)
            if response.status_code == 200:
                acknowledged.record(response.json())

        _run_all([threading.Thread(target=same_answer, args=(n,)) for n in range(AGENTS)])
        assert not failures, failures
        assert sorted(statuses) == [200] + [409] * (AGENTS - 1)
        stop = threading.Event()

        def agent(n: int) -> None:
            try:
                answer_until_done(clients[n], call_ids, acknowledged, seed=n, stop=stop)
            except BaseException as error:
                failures.append(error)
                stop.set()

        try:
            _run_all([threading.Thread(target=agent, args=(n,)) for n in range(AGENTS)])
        finally:
            stop.set()  # a stuck agent must not outlive the servers and clients it uses
        assert not failures, failures
        calls = check_against_logs(clients[1], call_ids, acknowledged)
        assert all(call["outcome"] is not None for call in calls)
        # Every answer in every log was acknowledged to exactly one agent, and no more.
        assert {c["id"]: c["revision"] for c in calls} == dict(acknowledged.per_call())


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_a_server_holding_a_call_never_answers_over_another_servers_answer(
    kind: str, tmp_path: Path, tokens_file: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url(kind, tmp_path, request)
    auth = {"Authorization": f"Bearer {next(iter(TOKENS))}"}
    with ExitStack() as stack:
        one: list[httpx.Client] = []
        two: list[httpx.Client] = []
        for client_list in (one, two):
            store = open_store(url)
            stack.callback(store.close)
            app = create_app(ServiceConfig(tokens_file=tokens_file), store)
            base = stack.enter_context(ServerThread(app))
            client = httpx.Client(base_url=base, headers=auth, timeout=PATIENCE)
            client_list.append(stack.enter_context(client))
        a, b = one[0], two[0]
        call = a.post("/v1/calls", json={"sop": "turun-daya"}).json()
        url_answers = f"/v1/calls/{call['id']}/answers"
        first = {"question": "target_tariff", "value": "subsidi", "revision": 0}
        assert a.post(url_answers, json=first).status_code == 200  # server one holds it at 1
        nik = {"question": "nik", "value": "3171-0101-0190-0001", "revision": 1}
        assert b.post(url_answers, json=nik).status_code == 200  # server two moves it to 2
        again = a.post(url_answers, json=nik)  # server one still holds revision 1
        assert again.status_code == 409
        assert again.json()["current_revision"] == 2
        eligible = {"question": "nik_eligible", "value": "ya", "revision": 2}
        done = a.post(url_answers, json=eligible)
        assert done.status_code == 200
        assert [e["question"] for e in done.json()["log"]] == [
            "target_tariff", "nik", "nik_eligible"
        ]  # fmt: skip
        assert b.get(f"/v1/calls/{call['id']}").json()["log"] == done.json()["log"]


def _run_all(threads: list[threading.Thread]) -> None:
    """Start the threads and wait for every one; one still running after the shared
    deadline fails the test here, not later as a half-finished call."""
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 2 * PATIENCE
    for thread in threads:
        thread.join(max(0.0, deadline - time.monotonic()))
    stuck = [thread.name for thread in threads if thread.is_alive()]
    assert not stuck, f"still running after {2 * PATIENCE:.0f} s: {stuck}"
