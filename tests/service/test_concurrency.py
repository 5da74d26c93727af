"""Many agents answering the same calls at once, through two servers on one store (as
two ``sopfsm serve`` processes would be): every call ends consistent with its answer
log, and no acknowledged answer is lost or applied twice."""

from __future__ import annotations

import threading
from contextlib import ExitStack
from pathlib import Path

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.backends import ServerThread, store_url
from tests.service.conftest import TOKENS
from tests.service.load import Acknowledged, answer_until_done, check_against_logs, start_calls

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
                    timeout=60,
                )
            )
            for n in range(AGENTS)
        ]
        call_ids = start_calls(clients[0], CALLS)
        acknowledged = Acknowledged()
        stop = threading.Event()
        failures: list[BaseException] = []

        def agent(n: int) -> None:
            try:
                answer_until_done(clients[n], call_ids, acknowledged, seed=n, stop=stop)
            except BaseException as error:
                failures.append(error)
                stop.set()

        threads = [threading.Thread(target=agent, args=(n,)) for n in range(AGENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        assert not failures, failures
        calls = check_against_logs(clients[1], call_ids, acknowledged)
        assert all(call["outcome"] is not None for call in calls)
        # Every answer in every log was acknowledged to exactly one agent, and no more.
        assert {c["id"]: c["revision"] for c in calls} == dict(acknowledged.per_call())
        assert acknowledged.conflicts > 0  # the agents did race
