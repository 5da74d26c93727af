"""The service's contract, over real HTTP (uvicorn on a free loopback port, httpx), on
SQLite and on PostgreSQL: every route of the table, and every error status."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

import sopfsm
from sopfsm.diagram import CURRENT_COLOUR
from sopfsm.signing import SigningKey
from sopfsm.store import CallStore
from tests.support.backends import PATIENCE, SECRET

PROBLEM = "application/problem+json"
RUN_JSON_KEYS = {"sop", "version", "outcome", "pending", "answers", "path", "scripts"}
SERVICE_KEYS = {"id", "revision", "agent", "created", "updated", "log"}
NIK = "3171-0101-0190-0001"


def load_secret_bytes(secret: bytes) -> SigningKey:
    import hashlib

    return SigningKey(f"serve-{hashlib.sha256(secret).hexdigest()[:12]}", secret)


def problem(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["status"] == status
    assert body["type"].startswith("urn:sopfsm:problem:")
    assert body["title"]
    assert body["detail"]
    assert body["detail_id"]
    return body


def start(client: httpx.Client, sop: str = "turun-daya", **answers: object) -> dict[str, Any]:
    response = client.post("/v1/calls", json={"sop": sop, "answers": answers})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def answer(
    client: httpx.Client, call: dict[str, Any], question: str, value: object
) -> httpx.Response:
    return client.post(
        f"/v1/calls/{call['id']}/answers",
        json={"question": question, "value": value, "revision": call["revision"]},
    )


def test_the_catalogue_lists_each_sop_in_both_languages(client: httpx.Client) -> None:
    response = client.get("/v1/sops")
    assert response.status_code == 200
    sops = response.json()["sops"]
    assert [s["id"] for s in sops] == list(sopfsm.sop_ids())
    lebih = next(s for s in sops if s["id"] == "lebih-tagih")
    assert lebih["clause"] == "5B"
    assert lebih["version"] == "2020-04-10"
    assert set(lebih["title"]) == {"id", "en"}
    assert lebih["questions"] == ["accepts_explanation", "meter_reading"]


def test_a_sop_comes_whole_in_both_languages(client: httpx.Client) -> None:
    body = client.get("/v1/sops/turun-daya").json()
    assert body["id"] == "turun-daya"
    nik = next(q for q in body["questions"] if q["id"] == "nik")
    assert "16" in nik["accepted"]["id"]
    assert "16" in nik["accepted"]["en"]
    assert set(body["outcomes"]) == {"APKT_TO_UNIT", "APKT_ISSUE_CLOSED"}
    step = next(s for s in body["steps"] if s["id"] == body["initial"])
    assert step["per"]  # provenance: the clause or assumption
    assert set(step["branches"][0]["when"]) == {"id", "en"}
    assert problem(client.get("/v1/sops/no-such-sop"), 404)["known"] == list(sopfsm.sop_ids())


def test_the_flowchart_shows_a_calls_path(client: httpx.Client) -> None:
    plain = client.get("/v1/sops/lebih-tagih/diagram.svg", params={"lang": "en"})
    assert plain.status_code == 200
    assert plain.headers["content-type"] == "image/svg+xml"
    assert b"<svg" in plain.content
    assert CURRENT_COLOUR.encode() not in plain.content.lower()
    call = start(client, "lebih-tagih", accepts_explanation="tidak")
    marked = client.get("/v1/sops/lebih-tagih/diagram.svg", params={"call": call["id"]})
    assert marked.status_code == 200
    assert CURRENT_COLOUR.encode() in marked.content.lower()  # the current step, framed
    assert problem(client.get("/v1/sops/lebih-tagih/diagram.svg?lang=fr"), 400)["field"] == "lang"
    assert problem(client.get("/v1/sops/lebih-tagih/diagram.svg?call=nope"), 404)["call"] == "nope"
    other = client.get("/v1/sops/turun-daya/diagram.svg", params={"call": call["id"]})
    assert problem(other, 400)["field"] == "call"


def test_a_call_starts_answers_and_ends_with_the_run_json_keys(client: httpx.Client) -> None:
    response = client.post(
        "/v1/calls", json={"sop": "turun-daya", "answers": {"target_tariff": "subsidi"}}
    )
    assert response.status_code == 201
    call = response.json()
    assert response.headers["location"] == f"/v1/calls/{call['id']}"
    assert set(call) >= RUN_JSON_KEYS | SERVICE_KEYS
    assert call["pending"] == "nik"
    assert call["revision"] == 1
    assert call["agent"] == "ana"
    assert [(e["question"], e["value"], e["agent"]) for e in call["log"]] == [
        ("target_tariff", "subsidized", "ana")
    ]
    call = answer(client, call, "nik", NIK).json()
    assert call["pending"] == "nik_eligible"
    budi = {"Authorization": "Bearer tok-budi-9876543210"}
    response = client.post(
        f"/v1/calls/{call['id']}/answers",
        json={"question": "nik_eligible", "value": "ya", "revision": 2},
        headers=budi,
    )
    assert response.status_code == 200
    done = response.json()
    assert done["outcome"]["code"] == "APKT_TO_UNIT"
    assert done["outcome"]["data"]["nik"] == "3171010101900001"
    assert done["pending"] is None
    assert [e["agent"] for e in done["log"]] == ["ana", "ana", "budi"]
    assert done["agent"] == "ana"  # who started it
    fetched = client.get(f"/v1/calls/{call['id']}", params={"lang": "en"}).json()
    assert fetched["log"] == done["log"]
    assert fetched["lang"] == "en"
    # The same answers through the CLI's `run --json` give the same call.
    cli = sopfsm.start("turun-daya")
    for entry in done["log"]:
        cli.answer(entry["question"], entry["value"])
    assert fetched["path"] == list(cli.path)


def test_the_saved_call_is_signed_and_restores(client: httpx.Client) -> None:
    call = start(client, "lebih-tagih", accepts_explanation="tidak")
    saved = client.get(f"/v1/calls/{call['id']}/saved")
    assert saved.status_code == 200
    key = load_secret_bytes(SECRET)
    assert json.loads(saved.text)["signature"]["key"] == key.id
    with pytest.raises(sopfsm.SignatureError):
        sopfsm.restore(saved.text.replace('"tidak"', '"ya"').replace("false", "true"), key=key)
    restored = sopfsm.restore(saved.text, key=key)
    assert restored.pending is not None
    assert restored.pending.id == "meter_reading"
    assert restored.answer("meter_reading", "12.345").outcome is not None
    assert problem(client.get("/v1/calls/nope/saved"), 404)["call"] == "nope"


def test_listing_filters_and_pages_newest_first(client: httpx.Client) -> None:
    made = [start(client, "lebih-tagih") for _ in range(3)]
    closed = start(client, "lebih-tagih", accepts_explanation="ya")
    budi = client.post(
        "/v1/calls",
        json={"sop": "ps-bereavement"},
        headers={"Authorization": "Bearer tok-budi-9876543210"},
    ).json()
    ids: list[str] = []
    cursor = None
    while True:
        params = {"limit": 2, **({"cursor": cursor} if cursor else {})}
        page = client.get("/v1/calls", params=params).json()
        ids += [c["id"] for c in page["calls"]]
        cursor = page["next"]
        if cursor is None:
            break
    assert ids == [c["id"] for c in reversed([*made, closed, budi])]

    def listed(**params: str) -> list[str]:
        response = client.get("/v1/calls", params=params)
        assert response.status_code == 200, response.text
        return [c["id"] for c in response.json()["calls"]]

    assert listed(outcome="APKT_ISSUE_CLOSED") == [closed["id"]]
    assert listed(agent="budi") == [budi["id"]]
    assert listed(sop="ps-bereavement") == [budi["id"]]
    assert listed(since=budi["created"]) == [budi["id"]]
    assert listed(until=made[1]["created"]) == [made[0]["id"]]
    assert problem(client.get("/v1/calls", params={"sop": "nope"}), 404)["sop"] == "nope"
    for bad in (
        {"outcome": "WIN"},
        {"since": "yesterday"},
        {"since": "2020-04-10T08:00:00"},
        {"limit": "0"},
        {"limit": "201"},
        {"cursor": "!!"},
        {"lang": "fr"},
    ):
        problem(client.get("/v1/calls", params=bad), 400)


def test_health_readiness_and_the_description(client: httpx.Client, store: CallStore) -> None:
    plain = httpx.Client(base_url=str(client.base_url), timeout=PATIENCE)
    assert plain.get("/healthz").json() == {"status": "ok"}
    ready = plain.get("/readyz").json()
    assert ready == {"status": "ready", "store": store.where}
    description = plain.get("/openapi.json").json()
    assert description["openapi"].startswith("3.1")
    paths = set(description["paths"])
    assert {
        "/v1/sops",
        "/v1/sops/{sop}",
        "/v1/sops/{sop}/diagram.svg",
        "/v1/calls",
        "/v1/calls/{call_id}",
        "/v1/calls/{call_id}/answers",
        "/v1/calls/{call_id}/saved",
        "/healthz",
        "/readyz",
        "/openapi.json",
    } <= paths
    plain.close()


def test_readiness_fails_when_the_store_does_not_answer(
    client: httpx.Client, store: CallStore
) -> None:
    store.close()
    body = problem(httpx.get(f"{client.base_url}/readyz"), 503)
    assert body["type"] == "urn:sopfsm:problem:store-error"


@pytest.mark.parametrize(
    "authorization",
    [None, "", "Bearer", "Bearer  x", "Basic dG9rOmFuYQ==", "Bearer tok-ana-0123456788"],
)
def test_every_v1_route_needs_a_known_token(base_url: str, authorization: str | None) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}
    with httpx.Client(base_url=base_url, headers=headers, timeout=PATIENCE) as anonymous:
        for method, path in [
            ("GET", "/v1/sops"),
            ("GET", "/v1/sops/lebih-tagih"),
            ("GET", "/v1/calls"),
            ("POST", "/v1/calls"),
            ("GET", "/v1/calls/x"),
            ("POST", "/v1/calls/x/answers"),
            ("GET", "/v1/calls/x/saved"),
            ("GET", "/v1/sops/lebih-tagih/diagram.svg"),
        ]:
            response = anonymous.request(method, path, json={"sop": "lebih-tagih"})
            body = problem(response, 401)
            assert response.headers["www-authenticate"].startswith("Bearer")
            assert "tok-ana" not in json.dumps(body)  # a token is never echoed


def test_malformed_bodies_are_400_and_change_nothing(client: httpx.Client) -> None:
    call = start(client, "lebih-tagih")
    url = f"/v1/calls/{call['id']}/answers"
    for body in [
        b"{",
        b"[]",
        b'"x"',
        b"NaN",
        b'{"question": 1, "value": "ya", "revision": 0}',
        b'{"question": "accepts_explanation", "revision": 0}',
        b'{"question": "accepts_explanation", "value": "ya"}',
        b'{"question": "accepts_explanation", "value": "ya", "revision": true}',
        b'{"question": "accepts_explanation", "value": "ya", "revision": -1}',
        b'{"question": "accepts_explanation", "value": "ya", "revision": 0, "x": 1}',
    ]:
        response = client.post(url, content=body, headers={"Content-Type": "application/json"})
        problem(response, 400)
    for body in [b'{"answers": {}}', b'{"sop": 5}', b'{"sop": "lebih-tagih", "answers": []}']:
        response = client.post(
            "/v1/calls", content=body, headers={"Content-Type": "application/json"}
        )
        problem(response, 400)
    assert client.get(f"/v1/calls/{call['id']}").json() == call


def test_a_body_that_is_not_json_is_415(client: httpx.Client) -> None:
    call = start(client, "lebih-tagih")
    for content_type in (None, "text/plain", "application/x-www-form-urlencoded"):
        headers = {"Content-Type": content_type} if content_type else {}
        response = client.post(
            f"/v1/calls/{call['id']}/answers", content=b'{"question": "x"}', headers=headers
        )
        assert problem(response, 415)["accepted"] == ["application/json"]
    assert client.get(f"/v1/calls/{call['id']}").json() == call


def test_a_body_over_64_kib_gets_a_readable_413(client: httpx.Client) -> None:
    call = start(client, "lebih-tagih")
    big = json.dumps({"question": "accepts_explanation", "value": "x" * 70_000, "revision": 0})
    response = client.post(
        f"/v1/calls/{call['id']}/answers", content=big, headers={"Content-Type": "application/json"}
    )
    assert problem(response, 413)["limit"] == 65536

    def chunks() -> Any:  # no Content-Length: the limit holds for a streamed body too
        for _ in range(40):
            yield b" " * 4096

    response = client.post(
        "/v1/calls", content=chunks(), headers={"Content-Type": "application/json"}
    )
    problem(response, 413)
    assert client.get(f"/v1/calls/{call['id']}").json() == call


def test_unknown_sops_and_calls_are_404(client: httpx.Client) -> None:
    assert problem(client.post("/v1/calls", json={"sop": "nope"}), 404)["sop"] == "nope"
    assert problem(client.get("/v1/calls/nope"), 404)["call"] == "nope"
    response = client.post(
        "/v1/calls/nope/answers", json={"question": "q", "value": 1, "revision": 0}
    )
    problem(response, 404)
    assert problem(client.get("/v1/nothing-here"), 404)["type"] == "urn:sopfsm:problem:not-found"


def test_conflicts_are_409_and_change_nothing(client: httpx.Client) -> None:
    call = start(client, "lebih-tagih")
    for revision in (1, 5):  # ahead of the call
        response = client.post(
            f"/v1/calls/{call['id']}/answers",
            json={"question": "accepts_explanation", "value": "ya", "revision": revision},
        )
        body = problem(response, 409)
        assert (body["revision"], body["current_revision"]) == (revision, 0)
    body = problem(answer(client, call, "meter_reading", "12"), 409)  # not asked yet
    assert body["type"] == "urn:sopfsm:problem:not-pending"
    assert body["pending"] == "accepts_explanation"
    assert client.get(f"/v1/calls/{call['id']}").json() == call
    done = answer(client, call, "accepts_explanation", "ya").json()
    stale = problem(answer(client, call, "accepts_explanation", "tidak"), 409)
    assert stale["type"] == "urn:sopfsm:problem:stale-revision"
    finished = problem(answer(client, done, "meter_reading", "12"), 409)
    assert finished["type"] == "urn:sopfsm:problem:call-finished"
    assert client.get(f"/v1/calls/{call['id']}").json() == done


def test_refused_answers_are_422_in_both_languages_and_change_nothing(client: httpx.Client) -> None:
    call = start(client, "turun-daya", target_tariff="subsidi")
    body = problem(answer(client, call, "nik", "3171 0101 0190 000"), 422)
    assert body["question"] == "nik"
    assert body["value"] == "3171 0101 0190 000"
    assert "16 digit" in body["detail_id"]
    assert set(body["accepted"]) == {"id", "en"}
    assert body["type"] == "urn:sopfsm:problem:invalid-answer"
    never = problem(answer(client, call, "region_scheme", "1"), 422)  # not a turun-daya question
    assert never["type"] == "urn:sopfsm:problem:unknown-question"
    assert client.get(f"/v1/calls/{call['id']}").json() == call
    start_bad = client.post(
        "/v1/calls", json={"sop": "lebih-tagih", "answers": {"accepts_explanation": "maybe"}}
    )
    assert problem(start_bad, 422)["question"] == "accepts_explanation"
    unreached = client.post(
        "/v1/calls",
        json={
            "sop": "lebih-tagih",
            "answers": {"accepts_explanation": "ya", "meter_reading": "12"},
        },
    )
    body = problem(unreached, 422)
    assert body["type"] == "urn:sopfsm:problem:unreached-answers"
    assert body["questions"] == ["meter_reading"]
    assert client.get("/v1/calls").json()["calls"] == [call]  # no refused start was kept
