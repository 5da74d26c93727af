"""Who may do what, over HTTP: every role against every route, on every store."""

from __future__ import annotations

import logging
from typing import Any

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread

PROBLEM = "application/problem+json"
AGENT_OF_ROLE = {"cso": "ana", "supervisor": "sari", "qa": "quinn", "admin": "adi"}

# route -> the status each role gets. "ana" is the CSO asking; "budi" is another CSO.
TABLE: dict[str, dict[str, int]] = {
    "GET /v1/me": {"cso": 200, "supervisor": 200, "qa": 200, "admin": 200},
    "GET /v1/sops": {"cso": 200, "supervisor": 200, "qa": 200, "admin": 200},
    "GET /v1/sops/lebih-tagih": {"cso": 200, "supervisor": 200, "qa": 200, "admin": 200},
    "POST /v1/calls": {"cso": 201, "supervisor": 201, "qa": 403, "admin": 403},
    "GET /v1/calls": {"cso": 200, "supervisor": 200, "qa": 200, "admin": 403},
    "GET /v1/calls/{ana}": {"cso": 200, "supervisor": 200, "qa": 200, "admin": 403},
    "GET /v1/calls/{budi}": {"cso": 404, "supervisor": 200, "qa": 200, "admin": 403},
    "GET /v1/calls/{ana}/saved": {"cso": 200, "supervisor": 200, "qa": 200, "admin": 403},
    "GET /v1/calls/{budi}/saved": {"cso": 404, "supervisor": 200, "qa": 200, "admin": 403},
    "GET /v1/sops/lebih-tagih/diagram.svg?call={budi}": {
        "cso": 404, "supervisor": 200, "qa": 200, "admin": 403,
    },
    "POST /v1/calls/{ana}/answers": {"cso": 200, "supervisor": 200, "qa": 403, "admin": 403},
    "POST /v1/calls/{budi}/answers": {"cso": 404, "supervisor": 200, "qa": 403, "admin": 403},
    "GET /v1/tokens": {"cso": 403, "supervisor": 403, "qa": 403, "admin": 200},
    "GET /v1/personal-reads": {"cso": 403, "supervisor": 200, "qa": 403, "admin": 200},
    "GET /v1/deliveries": {"cso": 403, "supervisor": 200, "qa": 403, "admin": 200},
    "GET /v1/deliveries?state=dead": {"cso": 403, "supervisor": 200, "qa": 403, "admin": 200},
    # No such delivery: those who may look are told so; the others are refused first.
    "GET /v1/deliveries/999": {"cso": 403, "supervisor": 404, "qa": 403, "admin": 404},
    "POST /v1/deliveries/999/retry": {"cso": 403, "supervisor": 404, "qa": 403, "admin": 404},
}  # fmt: skip


def start(client: httpx.Client, **answers: object) -> dict[str, Any]:
    response = client.post("/v1/calls", json={"sop": "lebih-tagih", "answers": answers})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def ask(clients: dict[str, httpx.Client], role: str, route: str) -> httpx.Response:
    method, _, path = route.partition(" ")
    client = clients[AGENT_OF_ROLE[role]]
    calls = {
        agent: start(clients[agent])["id"] for agent in ("ana", "budi") if f"{{{agent}}}" in path
    }
    path = path.format(**calls)
    if method == "POST" and path.endswith("/retry"):
        return client.post(path)
    if method == "POST" and path.endswith("/answers"):
        body: dict[str, Any] = {"question": "accepts_explanation", "value": "ya", "revision": 0}
        return client.post(path, json=body)
    if method == "POST":
        return client.post(path, json={"sop": "lebih-tagih"})
    return client.get(path)


def test_every_role_gets_what_the_table_says_on_every_route(
    role_clients: dict[str, httpx.Client],
) -> None:
    got: dict[str, dict[str, int]] = {}
    for route, expected in TABLE.items():
        got[route] = {}
        for role in expected:
            response = ask(role_clients, role, route)
            got[route][role] = response.status_code
            if response.status_code >= 400:
                assert response.headers["content-type"] == PROBLEM, (route, role)
    assert got == TABLE


def test_me_names_the_agent_and_role_of_the_token(role_clients: dict[str, httpx.Client]) -> None:
    for agent, client in role_clients.items():
        body = client.get("/v1/me").json()
        assert body["agent"] == agent
        assert body["role"] in AGENT_OF_ROLE


def test_a_cso_lists_only_their_own_calls_whatever_agent_they_ask_for(
    role_clients: dict[str, httpx.Client],
) -> None:
    mine = start(role_clients["ana"])["id"]
    theirs = start(role_clients["budi"])["id"]

    def listed(who: str, **params: str) -> set[str]:
        response = role_clients[who].get("/v1/calls", params=params)
        assert response.status_code == 200, response.text
        return {call["id"] for call in response.json()["calls"]}

    assert listed("ana") == {mine}
    assert listed("ana", agent="budi") == set()
    assert listed("ana", agent="ana") == {mine}
    assert listed("sari") == listed("quinn") == {mine, theirs}
    assert listed("quinn", agent="budi") == {theirs}


def test_another_agents_call_is_as_unknown_as_a_call_that_does_not_exist(
    role_clients: dict[str, httpx.Client],
) -> None:
    theirs = start(role_clients["budi"])["id"]
    hidden = role_clients["ana"].get(f"/v1/calls/{theirs}")
    missing = role_clients["ana"].get("/v1/calls/0123456789abcdef0123456789abcdef")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["type"] == missing.json()["type"]


def test_a_supervisor_takes_over_a_call_in_its_log_and_the_service_log(
    role_clients: dict[str, httpx.Client], caplog: pytest.LogCaptureFixture
) -> None:
    call = start(role_clients["budi"])
    with caplog.at_level(logging.INFO, logger="sopfsm.service"):
        response = role_clients["sari"].post(
            f"/v1/calls/{call['id']}/answers",
            json={"question": "accepts_explanation", "value": "ya", "revision": 0},
        )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["agent"] == "budi"
    assert [entry["agent"] for entry in body["log"]] == ["sari"]
    assert f"call {call['id']} taken over by supervisor sari from agent budi" in caplog.text


def test_a_refused_answer_changes_nothing(role_clients: dict[str, httpx.Client]) -> None:
    call = start(role_clients["budi"])
    answer = {"question": "accepts_explanation", "value": "ya", "revision": 0}
    for agent in ("ana", "quinn", "adi"):
        assert role_clients[agent].post(f"/v1/calls/{call['id']}/answers", json=answer).is_error
    after = role_clients["budi"].get(f"/v1/calls/{call['id']}").json()
    assert after["revision"] == 0 and after["log"] == []


def test_dev_mode_lets_one_person_on_loopback_do_everything() -> None:
    store = open_store("memory:")
    app = create_app(ServiceConfig(dev=True), store)
    with (
        ServerThread(app) as url,
        httpx.Client(
            base_url=url, headers={"Authorization": "Bearer ana"}, timeout=PATIENCE
        ) as client,
    ):
        assert client.get("/v1/me").json() == {"agent": "ana", "role": "dev"}
        call = start(client)
        other = client.get(f"/v1/calls/{call['id']}", headers={"Authorization": "Bearer budi"})
        assert other.status_code == 200
        assert client.get("/v1/tokens").status_code == 200
