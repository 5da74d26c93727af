"""Corrections, the wrap-up and the customer's details over real HTTP, on every store:
each change is an entry of the call's record, each refusal is named and changes nothing,
and of two agents changing one call at once exactly one wins."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from sopfsm.store import CallStore, open_store
from tests.support.backends import PATIENCE, store_url

PROBLEM = "application/problem+json"


@pytest.fixture(params=["memory", "sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[CallStore]:
    opened = open_store(store_url(request.param, tmp_path, request))
    try:
        yield opened
    finally:
        opened.close()


def start(client: httpx.Client, **answers: object) -> dict[str, Any]:
    response = client.post("/v1/calls", json={"sop": "lebih-tagih", "answers": answers})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def post(
    client: httpx.Client, call: dict[str, Any], route: str, **fields: object
) -> httpx.Response:
    return client.post(
        f"/v1/calls/{call['id']}/{route}", json={**fields, "revision": call["revision"]}
    )


def refused(response: httpx.Response, status: int, field: str | None = None) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    body: dict[str, Any] = response.json()
    assert body["detail"] and body["detail_id"]  # both languages
    if field is not None:
        assert body.get("field") == field, body
    return body


def test_a_correction_takes_the_call_down_the_new_path_and_is_logged(
    client: httpx.Client,
) -> None:
    call = start(client, accepts_explanation=True)
    assert call["outcome"]["code"] == "APKT_ISSUE_CLOSED"
    response = post(client, call, "corrections", question="accepts_explanation", value="tidak",
                    reason="salah tekan")  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["outcome"] is None
    assert body["pending"] == "meter_reading"
    assert body["answers"] == {"accepts_explanation": False}
    assert body["revision"] == call["revision"] + 1
    assert body["corrections"] == 1
    entry = body["log"][-1]
    assert entry["kind"] == "correction"
    assert (entry["replaces"], entry["value"], entry["reason"]) == (True, False, "salah tekan")
    assert (entry["outcome_before"], entry["outcome_after"]) == ("APKT_ISSUE_CLOSED", None)
    assert entry["agent"] == "ana"
    # The record is kept: the answer it replaces is still in the log, and a reload agrees.
    assert body["log"][0]["value"] is True
    again = client.get(f"/v1/calls/{call['id']}").json()
    assert again == body


def test_refused_corrections_are_named_and_change_nothing(client: httpx.Client) -> None:
    call = start(client, accepts_explanation=False)
    before = client.get(f"/v1/calls/{call['id']}").json()
    refused(post(client, call, "corrections", question="meter_reading", value=1, reason="x"), 409)
    refused(post(client, call, "corrections", question="no_such", value=1, reason="x"), 422)
    refused(
        post(client, call, "corrections", question="accepts_explanation", value="maybe",
             reason="x"),
        422,
    )  # fmt: skip
    refused(post(client, call, "corrections", question="accepts_explanation", value=True,
                 reason=""), 422, "reason")  # fmt: skip
    refused(post(client, call, "corrections", question="accepts_explanation", value=True), 400,
            "reason")  # fmt: skip
    stale = {**call, "revision": call["revision"] - 1}
    refused(post(client, stale, "corrections", question="accepts_explanation", value=True,
                 reason="x"), 409)  # fmt: skip
    assert client.get(f"/v1/calls/{call['id']}").json() == before


def test_an_abandoned_call_is_closed_to_every_change(client: httpx.Client) -> None:
    call = start(client, accepts_explanation=False)
    refused(post(client, call, "abandon", code="lost"), 422, "code")
    refused(post(client, call, "close"), 409)  # an open call is abandoned, not closed
    response = post(client, call, "abandon", code="hung_up", note="pelanggan menutup")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["status"], body["closed"]) == ("abandoned", True)
    assert body["log"][-1] | {"at": None} == {"kind": "abandon", "code": "hung_up",
        "note": "pelanggan menutup", "agent": "ana", "at": None, "by": "cso"}  # fmt: skip
    refused(post(client, body, "answers", question="meter_reading", value=5), 409)
    refused(post(client, body, "corrections", question="accepts_explanation", value=True,
                 reason="x"), 409)  # fmt: skip
    refused(post(client, body, "details", name="Ani"), 409)
    refused(post(client, body, "abandon", code="dropped"), 409)
    assert client.get(f"/v1/calls/{call['id']}").json() == body


def test_a_call_with_its_outcome_is_closed_not_abandoned(client: httpx.Client) -> None:
    call = start(client, accepts_explanation=True)
    refused(post(client, call, "abandon", code="dropped"), 409)
    response = post(client, call, "close")
    assert response.status_code == 200, response.text
    assert (response.json()["status"], response.json()["closed"]) == ("done", True)


def test_the_customer_details_are_checked_normalised_and_logged(client: httpx.Client) -> None:
    call = start(client, accepts_explanation=True)
    assert set(call["missing_details"]) == {"identity", "name", "phone"}
    refused(post(client, call, "details", idpel="12345"), 422, "idpel")
    refused(post(client, call, "details", phone="bukan nomor"), 422, "phone")
    refused(post(client, call, "details", nik="3171010101900001"), 400, "nik")
    unchanged = client.get(f"/v1/calls/{call['id']}").json()
    assert unchanged["customer"] == {} and unchanged["revision"] == call["revision"]
    response = post(client, call, "details", idpel="5123 4567 8901", name="Ani",
                    phone="0812-3456-7890", note="rumah pojok")  # fmt: skip
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["customer"] == {"idpel": "512345678901", "name": "Ani",
                                "phone": "+6281234567890", "note": "rumah pojok"}  # fmt: skip
    assert body["missing_details"] == []
    assert body["log"][-1]["kind"] == "details"
    cleared = post(client, body, "details", name="").json()
    assert "name" not in cleared["customer"]
    assert cleared["missing_details"] == ["name"]


def test_a_saved_call_carries_the_whole_record(client: httpx.Client) -> None:
    call = start(client, accepts_explanation=True)
    call = post(client, call, "corrections", question="accepts_explanation", value=False,
                reason="salah").json()  # fmt: skip
    call = post(client, call, "details", meter="12345678901").json()
    saved = client.get(f"/v1/calls/{call['id']}/saved").json()
    assert saved["format_version"] == 2
    assert [e["kind"] for e in saved["record"]] == ["answer", "correction", "details"]
    assert saved["customer"] == {"meter": "12345678901"}


def test_of_two_agents_correcting_one_call_at_once_exactly_one_wins(
    client: httpx.Client, base_url: str
) -> None:
    call = start(client, accepts_explanation=False)
    call = post(client, call, "answers", question="meter_reading", value=100).json()
    agents = 6
    barrier = threading.Barrier(agents, timeout=PATIENCE)
    statuses: list[int] = []

    def correct(n: int) -> None:
        with httpx.Client(
            base_url=base_url,
            timeout=PATIENCE,
            headers={"Authorization": "Bearer tok-budi-9876543210"},
        ) as own:
            barrier.wait()
            response = post(own, call, "corrections", question="meter_reading", value=200 + n,
                            reason=f"agen {n}")  # fmt: skip
            statuses.append(response.status_code)

    threads = [threading.Thread(target=correct, args=(n,)) for n in range(agents)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(PATIENCE)
    assert sorted(statuses) == [200] + [409] * (agents - 1)
    final = client.get(f"/v1/calls/{call['id']}").json()
    assert final["revision"] == call["revision"] + 1
    assert [e["kind"] for e in final["log"]].count("correction") == 1
