"""A stored call that does not replay is reported as such, on its own, and never hides
the other calls from a listing or from QA."""

from __future__ import annotations

import datetime as dt
import json
import uuid

import httpx
import pytest

from sopfsm.cli import main
from sopfsm.store import CallState, CallStore, LoggedAnswer, StoredCall

NOW = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)


def _unreplayable(store: CallStore) -> StoredCall:
    """A call kept under a SOP version this sopfsm does not bundle (an older release's)."""
    return store.create(
        StoredCall(
            id=uuid.uuid4().hex,
            sop="lebih-tagih",
            version="2019-01-01",
            agent="ana",
            created=NOW,
            updated=NOW,
            state=CallState(
                "ask_meter_reading", ("ask_accepts_explanation", "ask_meter_reading"), None
            ),
            log=(LoggedAnswer("accepts_explanation", False, "ana", NOW, "cso"),),
        )
    )


def test_a_call_that_does_not_replay_is_its_own_problem_and_hides_no_other(
    client: httpx.Client, store: CallStore, capsys: pytest.CaptureFixture[str]
) -> None:
    before = client.post("/v1/calls", json={"sop": "turun-daya"}).json()
    bad = _unreplayable(store)
    after = client.post("/v1/calls", json={"sop": "lebih-tagih"}).json()
    for path in (f"/v1/calls/{bad.id}", f"/v1/calls/{bad.id}/saved"):
        refused = client.get(path)
        assert refused.status_code == 422
        assert refused.headers["content-type"] == "application/problem+json"
        problem = refused.json()
        assert problem["type"] == "urn:sopfsm:problem:unreadable-call"
        assert problem["call"] == bad.id
        assert "2019-01-01" in problem["detail"]
        assert "tidak dapat diputar ulang" in problem["detail_id"]
    listed = client.get("/v1/calls")
    assert listed.status_code == 200
    calls = listed.json()["calls"]
    assert [c["id"] for c in calls] == [after["id"], bad.id, before["id"]]
    assert calls[1]["unreadable"]["type"] == "urn:sopfsm:problem:unreadable-call"
    assert calls[1]["revision"] == 1
    assert "unreadable" not in calls[0] and "unreadable" not in calls[2]
    answered = client.post(
        f"/v1/calls/{after['id']}/answers",
        json={"question": "accepts_explanation", "value": "ya", "revision": 0},
    )
    assert answered.status_code == 200
    capsys.readouterr()
    assert main(["check-calls", "--store", store.where, "--format", "jsonl"]) in (0, 1)
    summary = json.loads(capsys.readouterr().out.splitlines()[-1])["summary"]
    assert summary["calls"] == 3
