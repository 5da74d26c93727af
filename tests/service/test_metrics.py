"""``GET /metrics``: what an operator scrapes, parsed by prometheus-client's own parser."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families

from sopfsm.service.metrics import store_kind
from sopfsm.store import CallStore


def _samples(client: httpx.Client) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return {
        (s.name, frozenset(s.labels.items())): s.value
        for family in text_string_to_metric_families(response.text)
        for s in family.samples
    }


def _delta(before: dict, after: dict, name: str, **labels: str) -> float:  # type: ignore[type-arg]
    key = (name, frozenset(labels.items()))
    return float(after.get(key, 0.0) - before.get(key, 0.0))


def test_metrics_count_requests_answers_refusals_and_commits(
    client: httpx.Client, store: CallStore
) -> None:
    before = _samples(client)
    started = client.post("/v1/calls", json={"sop": "turun-daya"})
    assert started.status_code == 201
    call = started.json()
    answers = f"/v1/calls/{call['id']}/answers"
    refused = client.post(answers, json={"question": "target_tariff", "value": "?", "revision": 0})
    assert refused.status_code == 422
    moved = client.post(
        answers, json={"question": "target_tariff", "value": "subsidi", "revision": 0}
    )
    assert moved.status_code == 200
    after = _samples(client)

    route = "/v1/calls/{call_id}/answers"  # the template, never the call's own path
    ok = {"method": "POST", "route": route, "status": "200"}
    assert _delta(before, after, "sopfsm_requests_total", **ok) == 1
    assert _delta(before, after, "sopfsm_requests_total", **{**ok, "status": "422"}) == 1
    assert _delta(before, after, "sopfsm_request_seconds_count", method="POST", route=route) == 2
    assert _delta(before, after, "sopfsm_answers_total", sop="turun-daya", outcome="open") == 1
    assert _delta(before, after, "sopfsm_refusals_total", reason="invalid-answer") == 1
    kind = store_kind(store)
    assert kind in ("sqlite", "postgres")
    commits = _delta(
        before, after, "sopfsm_store_commit_seconds_count", store=kind, operation="answer"
    )
    assert commits == 1  # the refused answer committed nothing
    assert _delta(before, after, "sopfsm_calls_open") == 1
    assert not any(call["id"] in str(labels) for _, labels in after)


def test_a_call_reaching_its_outcome_is_no_longer_open(client: httpx.Client) -> None:
    call = client.post("/v1/calls", json={"sop": "lebih-tagih"}).json()
    before = _samples(client)
    done = client.post(
        f"/v1/calls/{call['id']}/answers",
        json={"question": call["pending"], "value": "ya", "revision": 0},
    )
    assert done.status_code == 200 and done.json()["outcome"] is not None
    after = _samples(client)
    assert _delta(before, after, "sopfsm_calls_open") == -1
    code = done.json()["outcome"]["code"]
    assert _delta(before, after, "sopfsm_answers_total", sop="lebih-tagih", outcome=code) == 1


def test_an_unknown_path_is_counted_without_its_text(client: httpx.Client) -> None:
    assert client.get("/no/such/3171010101900001").status_code == 404
    text = client.get("/metrics").text
    assert "3171010101900001" not in text
    assert 'route="unmatched"' in text


def test_a_made_up_method_is_counted_as_other_and_never_becomes_a_label(
    client: httpx.Client,
) -> None:
    before = _samples(client)
    for word in ("FROBNICATE", "XYZZY"):
        assert client.request(word, "/healthz").status_code == 405
    after = _samples(client)
    text = client.get("/metrics").text
    assert "FROBNICATE" not in text and "XYZZY" not in text
    other = {"method": "OTHER", "route": "/healthz", "status": "405"}
    assert _delta(before, after, "sopfsm_requests_total", **other) == 2
