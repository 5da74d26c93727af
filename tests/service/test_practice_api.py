"""The practice room's routes: attempts replayed by seed, typed values checked with the
call API's refusals, and results kept per agent and read back by cohort and clause."""

from __future__ import annotations

import httpx
import pytest

from sopfsm.catalogue import get_sop
from sopfsm.errors import InvalidAnswer
from sopfsm.service.practice import attempt, practice_document

SCENARIO = next(s["id"] for s in practice_document()["scenarios"] if s["sop"] == "turun-daya")


def test_an_attempt_is_served_as_its_seed_draws_it(client: httpx.Client) -> None:
    served = client.get("/pages/practice/attempt", params={"scenario": SCENARIO, "seed": 41})
    assert served.status_code == 200
    assert served.json() == attempt(SCENARIO, 41)
    assert served.json()["seed"] == 41


@pytest.mark.parametrize(
    ("params", "status", "named"),
    [
        ({"scenario": "no-such:path", "seed": "1"}, 404, "no-such:path"),
        ({"scenario": SCENARIO, "seed": "-1"}, 400, "seed"),
        ({"scenario": SCENARIO, "seed": "x"}, 400, "seed"),
        ({"scenario": SCENARIO, "seed": "1", "answer": "1"}, 400, "answer"),
    ],
)
def test_a_bad_attempt_request_is_refused_by_name(
    client: httpx.Client, params: dict[str, str], status: int, named: str
) -> None:
    refused = client.get("/pages/practice/attempt", params=params)
    assert refused.status_code == status
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert named in refused.json()["detail"] and refused.json()["detail_id"]


def test_a_mistyped_nik_gets_the_call_apis_refusal_word_for_word(client: httpx.Client) -> None:
    question = get_sop("turun-daya").question("nik")
    assert question is not None
    with pytest.raises(InvalidAnswer) as raised:
        question.coerce("3171 0101 0190")
    checked = client.post(
        "/pages/practice/typed",
        json={"sop": "turun-daya", "question": "nik", "value": "3171 0101 0190"},
    )
    assert checked.status_code == 200
    assert checked.json() == {
        "accepted": False,
        "refusal": {"id": raised.value.message("id"), "en": raised.value.message("en")},
    }
    assert "ditolak" in checked.json()["refusal"]["id"]
    typed = client.post(
        "/pages/practice/typed",
        json={"sop": "turun-daya", "question": "nik", "value": "3171 0101 0190 0001"},
    )
    assert typed.json() == {"accepted": True, "value": question.coerce("3171010101900001")}


def test_a_reading_is_taken_as_an_indonesian_writes_it(client: httpx.Client) -> None:
    typed = client.post(
        "/pages/practice/typed",
        json={"sop": "lebih-tagih", "question": "meter_reading", "value": "12.345,5"},
    )
    assert typed.json() == {"accepted": True, "value": 12345.5}
    refused = client.post(
        "/pages/practice/typed",
        json={"sop": "lebih-tagih", "question": "meter_reading", "value": "-3"},
    )
    assert refused.json()["accepted"] is False
    assert "stand tidak boleh negatif" in refused.json()["refusal"]["id"]


def test_only_typed_questions_are_checked(client: httpx.Client) -> None:
    refused = client.post(
        "/pages/practice/typed", json={"sop": "lebih-tagih", "question": "urgent", "value": "ya"}
    )
    assert refused.json()["accepted"] is False
    unknown = client.post(
        "/pages/practice/typed", json={"sop": "no-such-sop", "question": "nik", "value": "1"}
    )
    assert unknown.status_code == 404


def _run(cohort: str, *picks: tuple[str, bool]) -> dict[str, object]:
    return {
        "scenario": SCENARIO,
        "seed": 3,
        "cohort": cohort,
        "picks": [{"clause": c, "right": r} for c, r in picks],
    }


def test_a_cohorts_results_are_totalled_by_named_clause(
    client: httpx.Client, base_url: str
) -> None:
    kept = client.post("/v1/practice/results", json=_run("b1", ("5A", True), ("5A", False)))
    assert kept.status_code == 201
    with httpx.Client(
        base_url=base_url, headers={"Authorization": "Bearer tok-budi-9876543210"}
    ) as budi:
        budi.post("/v1/practice/results", json=_run("b1", ("5A", True), ("front", True)))
        budi.post("/v1/practice/results", json=_run("b2", ("5B", False)))
    shown = client.get("/v1/practice/results", params={"cohort": "b1"}).json()
    assert shown["runs"] == 2 and shown["agents"] == 2
    rows = {row["clause"]: row for row in shown["clauses"]}
    assert set(rows) == {"5A", "front"}
    assert (rows["5A"]["right"], rows["5A"]["total"], rows["5A"]["agents"]) == (2, 3, 2)
    assert rows["5A"]["name"]["id"] == "5A Turun Daya"
    everyone = client.get("/v1/practice/results").json()
    assert {row["clause"] for row in everyone["clauses"]} == {"5A", "5B", "front"}


def test_results_need_a_token(base_url: str) -> None:
    with httpx.Client(base_url=base_url) as anonymous:
        assert anonymous.get("/v1/practice/results").status_code == 401
        sent = anonymous.post("/v1/practice/results", json=_run("b1", ("5A", True)))
        assert sent.status_code == 401


@pytest.mark.parametrize(
    "body",
    [
        {**_run("b1", ("5A", True)), "picks": []},
        {**_run("b1", ("5A", True)), "picks": [{"clause": "1b", "right": True}]},
        {**_run("b1", ("5A", True)), "picks": [{"clause": "5A", "right": 1}]},
        {**_run("b1", ("5A", True)), "picks": [{"clause": {"5A": 1}, "right": True}]},
        {**_run("b1", ("5A", True)), "cohort": "kelas\u0000april"},
        {**_run("b1", ("5A", True)), "seed": -1},
        {**_run("b1", ("5A", True)), "cohort": 5},
        {**_run("b1", ("5A", True)), "agent": "someone-else"},
    ],
)
def test_a_malformed_result_is_refused_and_nothing_is_kept(
    client: httpx.Client, body: dict[str, object]
) -> None:
    refused = client.post("/v1/practice/results", json=body)
    assert refused.status_code == 400
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/v1/practice/results").json()["runs"] == 0
