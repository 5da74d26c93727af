"""Personal data kept to those who need it: masked for everyone else and in listings,
each full read by qa or a supervisor recorded, purged after its time."""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
from pathlib import Path
from typing import Any

import httpx
import pytest

from sopfsm.cli import main
from sopfsm.qa.check import check_chunk
from sopfsm.qa.read import store_chunks
from sopfsm.service import personal
from sopfsm.service.personal import MASKS, mask_nik
from sopfsm.service.retention import purge
from sopfsm.store import CallStore, open_store
from sopfsm.store.base import Settlement
from tests.support.backends import store_url

NIK = "3273014505850002"  # a woman born 5 May 1985 in Bandung; no sample of the SOPs
FULL_NIK = re.compile(r"3273[\s.\-]?0145[\s.\-]?0585[\s.\-]?0002")
ANSWERS = {"target_tariff": "subsidi", "nik": "3273-0145-0585-0002"}


def test_a_nik_keeps_only_its_region_and_serial() -> None:
    assert mask_nik(NIK) == "3273 **** **** 0002"
    assert "0145" not in mask_nik(NIK) and "0585" not in mask_nik(NIK)


@pytest.mark.parametrize("field", sorted(MASKS))
def test_every_kind_of_personal_field_is_masked_to_less_than_itself(field: str) -> None:
    value = "Budi Santoso bin Ahmad" if field in ("name", "address") else "081234567890"
    assert MASKS[field](value) != value
    assert "Santoso" not in MASKS[field](value) and "234567" not in MASKS[field](value)


def start(client: httpx.Client, **answers: object) -> dict[str, Any]:
    response = client.post("/v1/calls", json={"sop": "turun-daya", "answers": answers})
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def close(client: httpx.Client, call: dict[str, Any]) -> dict[str, Any]:
    response = client.post(
        f"/v1/calls/{call['id']}/answers",
        json={"question": "nik_eligible", "value": "ya", "revision": call["revision"]},
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert body["outcome"] is not None
    return body


def everything(
    client: httpx.Client, call_id: str, deliveries: list[int]
) -> dict[str, httpx.Response]:
    """Every response a client can get that may carry the call's data: the call, its
    save, listings, pages, its flowchart, its report's deliveries, the reads."""
    return {
        "call": client.get(f"/v1/calls/{call_id}"),
        "saved": client.get(f"/v1/calls/{call_id}/saved"),
        "list": client.get("/v1/calls"),
        "list-en": client.get("/v1/calls", params={"lang": "en"}),
        "page": client.get("/"),
        "practice": client.get("/practice"),
        "sign-in": client.get("/sign-in"),
        "diagram": client.get(f"/v1/sops/turun-daya/diagram.svg?call={call_id}"),
        "me": client.get("/v1/me"),
        "reads": client.get("/v1/personal-reads"),
        "deliveries": client.get("/v1/deliveries"),
        **{f"delivery {n}": client.get(f"/v1/deliveries/{n}") for n in deliveries},
    }


def test_only_the_calls_own_agent_while_open_qa_and_supervisors_see_a_full_nik(
    role_clients: dict[str, httpx.Client],
    caplog: pytest.LogCaptureFixture,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    caplog.set_level(logging.DEBUG)
    ana = role_clients["ana"]
    call = start(ana, **ANSWERS)
    assert FULL_NIK.search(json.dumps(call))  # the agent on the call sees what was typed
    assert FULL_NIK.search(ana.get(f"/v1/calls/{call['id']}").text)
    assert not FULL_NIK.search(ana.get("/v1/calls").text)  # a listing never
    assert "3273 **** **** 0002" in ana.get("/v1/calls").text
    closed = close(ana, call)
    assert FULL_NIK.search(json.dumps(closed))  # the APKT report at the outcome carries it
    monkeypatch.setattr(personal, "WRAP_UP", dt.timedelta(0))  # the wrap-up is over
    assert not FULL_NIK.search(ana.get(f"/v1/calls/{call['id']}").text)
    listed = role_clients["sari"].get("/v1/deliveries").json()["deliveries"]
    deliveries = [d["id"] for d in listed if d["call"] == call["id"]]
    assert deliveries  # the call's APKT report, waiting to be sent
    for agent in ("ana", "budi", "adi"):
        for what, response in everything(role_clients[agent], call["id"], deliveries).items():
            assert not FULL_NIK.search(response.text), (agent, what)
    document = role_clients["adi"].get(f"/v1/deliveries/{deliveries[0]}")
    assert document.status_code == 200 and "3273 **** **** 0002" in document.text
    for agent in ("quinn", "sari"):
        assert FULL_NIK.search(role_clients[agent].get(f"/v1/calls/{call['id']}").text)
        assert FULL_NIK.search(role_clients[agent].get(f"/v1/calls/{call['id']}/saved").text)
        assert not FULL_NIK.search(role_clients[agent].get("/v1/calls").text)
    assert FULL_NIK.search(role_clients["sari"].get(f"/v1/deliveries/{deliveries[0]}").text)
    assert not FULL_NIK.search(caplog.text)


def test_every_full_read_by_qa_or_a_supervisor_is_recorded_and_listed(
    role_clients: dict[str, httpx.Client],
) -> None:
    call = close(role_clients["ana"], start(role_clients["ana"], **ANSWERS))
    role_clients["quinn"].get(f"/v1/calls/{call['id']}")
    role_clients["sari"].get(f"/v1/calls/{call['id']}/saved")
    role_clients["budi"].get(f"/v1/calls/{call['id']}")  # a 404: nothing read
    role_clients["ana"].get(f"/v1/calls/{call['id']}")  # masked: nothing full read
    listed = role_clients["adi"].get("/v1/personal-reads", params={"call": call["id"]})
    assert listed.status_code == 200, listed.text
    reads = listed.json()["reads"]
    assert [(r["agent"], r["role"], r["call"]) for r in reads] == [
        ("sari", "supervisor", call["id"]),
        ("quinn", "qa", call["id"]),
    ]
    assert all(dt.datetime.fromisoformat(r["at"]).tzinfo is not None for r in reads)


def verdicts(url: str) -> list[dict[str, Any]]:
    found = []
    for chunk in store_chunks(url):
        found += [json.loads(line) for line in check_chunk(chunk, want_lines=True).lines]
    return found


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_purge_removes_personal_data_and_keeps_qas_verdicts(
    kind: str,
    tmp_path: Path,
    request: pytest.FixtureRequest,
    role_tokens: tuple[Path, dict[str, str]],
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sopfsm.service.app import create_app
    from sopfsm.service.config import ServiceConfig
    from tests.support.backends import PATIENCE, ServerThread

    url = store_url(kind, tmp_path, request)
    store = open_store(url)
    path, tokens = role_tokens
    try:
        app = create_app(ServiceConfig(tokens_file=path), store)
        with (
            ServerThread(app) as base,
            httpx.Client(
                base_url=base,
                headers={"Authorization": f"Bearer {tokens['ana']}"},
                timeout=PATIENCE,
            ) as ana,
        ):
            ended = close(ana, start(ana, **ANSWERS))
            still_open = start(ana, **ANSWERS)
            unanswered = start(ana, target_tariff="subsidi")
        before = verdicts(url)
        assert main(["purge", "--older-than", "0", "--store", url]) == 0
        assert "0 call(s)" in capsys.readouterr().out  # its APKT report is not sent yet
        now = dt.datetime.now(dt.UTC)
        for sent in store.claim(now, dt.timedelta(minutes=1), 10):
            store.settle(sent, Settlement("delivered", now, 1, status=200))
        assert main(["purge", "--older-than", "0", "--store", url]) == 0
        assert "1 call(s)" in capsys.readouterr().out
        after = verdicts(url)
        assert after == before
        kept = store.get(ended["id"])
        assert not FULL_NIK.search(repr(kept.log))
        assert [getattr(a, "question", None) for a in kept.log] == [
            "target_tariff",
            "nik",
            "nik_eligible",
        ]
        assert kept.state.outcome == ended["outcome"]["code"]
        assert kept.agent == "ana" and kept.created.isoformat()
        assert FULL_NIK.search(repr(store.get(still_open["id"]).log))  # not ended: kept
        assert store.get(unanswered["id"]).revision == 1
        assert main(["purge", "--older-than", "0", "--store", url]) == 0  # again: nothing
        assert "0 call(s)" in capsys.readouterr().out
    finally:
        store.close()


def test_purge_keeps_calls_that_ended_within_the_days_kept(any_store: CallStore) -> None:
    from sopfsm.service.stored_calls import answer_call, start_call

    stored, _ = start_call(any_store, "turun-daya", ANSWERS, "ana")
    answer_call(any_store, stored.id, "nik_eligible", "ya", revision=2, agent="ana")
    now = dt.datetime.now(dt.UTC)
    for sent in any_store.claim(now, dt.timedelta(minutes=1), 10):
        any_store.settle(sent, Settlement("delivered", now, 1, status=200))
    assert purge(any_store, now - dt.timedelta(days=1), now) == 0
    assert FULL_NIK.search(repr(any_store.get(stored.id).log))
    assert purge(any_store, now + dt.timedelta(seconds=1), now) == 1
    assert not FULL_NIK.search(repr(any_store.get(stored.id).log))


def test_a_store_refuses_to_rewrite_an_answer_that_is_not_being_redacted(tmp_path: Path) -> None:
    import sqlite3

    from sopfsm.service.stored_calls import start_call

    store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    try:
        start_call(store, "turun-daya", ANSWERS, "ana")
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "calls.db") as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("UPDATE answers SET value = '\"x\"' WHERE revision = 2")
    with sqlite3.connect(tmp_path / "calls.db") as db, pytest.raises(sqlite3.IntegrityError):
        db.execute("DELETE FROM answers")


@pytest.mark.parametrize("days", ["-1", "soon"])
def test_purge_refuses_days_that_are_not_a_whole_number(
    days: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["purge", "--older-than", days, "--store", "memory:"])
    assert exited.value.code == 2
    assert "DAYS" in capsys.readouterr().err


def test_check_calls_masks_a_recorded_nik_unless_asked_to_show_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "calls.jsonl"
    call = {"call_id": "c1", "sop": "turun-daya", "agent": "ana", "outcome": "APKT_TO_UNIT",
            "answers": [{"question": "target_tariff", "value": "subsidized"},
                        {"question": "nik", "value": "3273014505850000"}]}  # fmt: skip
    recorded.write_text(json.dumps(call) + "\n", encoding="utf-8")
    main(["check-calls", str(recorded), "--format", "jsonl"])
    masked = capsys.readouterr().out
    assert "3273 **** **** 0000" in masked and "3273014505850000" not in masked
    main(["check-calls", str(recorded), "--format", "jsonl", "--show-personal"])
    assert "3273014505850000" in capsys.readouterr().out


@pytest.mark.parametrize("output", [["--format", "text"], ["--markdown"], ["--format", "jsonl"]])
def test_every_check_calls_report_masks_recorded_personal_data_unless_asked_to_show_it(
    output: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    recorded = tmp_path / "calls.jsonl"
    invalid = {"call_id": "c1", "sop": "turun-daya", "agent": "ana", "outcome": "APKT_TO_UNIT",
               "answers": [{"question": "target_tariff", "value": "subsidi"},
                           {"question": "nik", "value": "3273014505850000"}]}  # fmt: skip
    recorded.write_text(json.dumps(invalid) + "\n", encoding="utf-8")
    html = tmp_path / "report.html"
    main(["check-calls", str(recorded), *output, "--html", str(html)])
    shown = capsys.readouterr().out + html.read_text(encoding="utf-8")
    assert "3273014505850000" not in shown
    assert "3273 **** **** 0000" in html.read_text(encoding="utf-8")
    main(["check-calls", str(recorded), *output, "--html", str(html), "--show-personal"])
    assert "3273014505850000" in html.read_text(encoding="utf-8")


def test_a_number_in_free_text_is_masked_however_it_is_grouped() -> None:
    text = "NIK 3273-0145-0585-0002, HP +62 812 7766 5544, IDPEL 532110998877, 2026-03-01"
    masked = personal.mask_text(text)
    assert "3273 **** **** 0002" in masked and "2026-03-01" in masked
    assert not re.search(r"0145|7766|998877", masked)
