"""Purging personal data after its time: gone from every row of the store (answers,
corrections, the customer's details, wrap-up notes, delivered and dead APKT documents),
while QA's verdicts on the purged calls stay what they were."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from sopfsm.errors import ReportPurged
from sopfsm.qa.check import check_chunk
from sopfsm.qa.read import store_chunks
from sopfsm.report import report_of
from sopfsm.service.retention import purge
from sopfsm.service.stored_calls import answer_call, change_call, correct, load, start_call
from sopfsm.store import CallStore, open_store
from sopfsm.store.base import Settlement
from tests.support.backends import postgres_base, store_url

NIK = "3273014505850002"  # typed first, then corrected; neither a sample of the SOPs
CORRECTED_NIK = "3273014505850010"
KEPT_NIK = "3273015505850003"  # on calls not yet purged
CUSTOMER = {
    "idpel": "532110998877",
    "meter": "14123456789",
    "name": "Siti Rahmawati",
    "phone": "0812 7766 5544",
    "address": "Jl. Cempaka Putih Raya 17, Bandung",
    "note": "minta ditelepon setelah jam 5",
}
PERSONAL = (NIK, CORRECTED_NIK, "532110998877", "14123456789", "Rahmawati", "77665544",
            "Cempaka", "jam 5", "Bu Siti")  # fmt: skip


def verdicts(url: str) -> list[dict[str, Any]]:
    found = []
    for chunk in store_chunks(url):
        found += [json.loads(line) for line in check_chunk(chunk, want_lines=True).lines]
    return found


def raw_rows(url: str) -> str:
    """Every row of every table of the store, as the database holds it."""
    if url.startswith("sqlite"):
        with sqlite3.connect(urlsplit(url).path) as db:
            return "\n".join(db.iterdump())
    import psycopg

    schema = parse_qs(urlsplit(url).query)["schema"][0]
    rows = []
    with psycopg.connect(postgres_base()) as db:
        tables = db.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (schema,),
        ).fetchall()
        for (table,) in tables:
            rows += db.execute(f'SELECT t::text FROM "{schema}"."{table}" t').fetchall()
    return "\n".join(str(row) for row in rows)


def reported(store: CallStore, state: str) -> None:
    """Settle every pending report revision as ``state`` (delivered or dead)."""
    now = dt.datetime.now(dt.UTC)
    for delivery in store.claim(now, dt.timedelta(minutes=1), 100):
        status = 200 if state == "delivered" else 500
        store.settle(delivery, Settlement(state, now, 1, status=status))


KEPT_CUSTOMER = {"idpel": "532110000111", "name": "Dewi Lestari", "phone": "0813 1111 2222"}


def a_reported_call(store: CallStore, nik: str, customer: dict[str, str] = CUSTOMER) -> str:
    """A call with the customer's details, a corrected NIK and an APKT report."""
    stored, _ = start_call(store, "turun-daya", {"target_tariff": "subsidi", "nik": nik}, "ana")
    stored, _ = change_call(
        store, stored.id, lambda call: call.details(**customer), revision=stored.revision,
        agent="ana",
    )  # fmt: skip
    stored, _ = change_call(
        store, stored.id, correct("nik", CORRECTED_NIK, f"Bu Siti: {nik}") if nik == NIK
        else correct("nik", nik, "-"), revision=stored.revision, agent="ana",
    )  # fmt: skip
    stored, _ = answer_call(store, stored.id, "nik_eligible", "ya", revision=stored.revision,
                            agent="ana")  # fmt: skip
    assert stored.state.outcome is not None and stored.report is not None
    return stored.id


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
def test_purge_leaves_no_personal_data_in_any_row_and_qas_verdicts_unchanged(
    kind: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    url = store_url(kind, tmp_path, request)
    store = open_store(url)
    try:
        delivered = a_reported_call(store, NIK)
        reported(store, "delivered")
        dead = a_reported_call(store, NIK)
        reported(store, "dead")
        abandoned, _ = start_call(store, "turun-daya", {"target_tariff": "subsidi", "nik": NIK},
                                  "ana")  # fmt: skip
        change_call(
            store, abandoned.id, lambda call: call.abandon("hung_up", note=f"NIK {NIK} Bu Siti"),
            revision=abandoned.revision, agent="ana",
        )  # fmt: skip
        waiting = a_reported_call(store, KEPT_NIK, KEPT_CUSTOMER)  # its report not yet sent
        still_open, _ = start_call(
            store, "turun-daya", {"target_tariff": "subsidi", "nik": KEPT_NIK}, "ana"
        )
        assert all(value in raw_rows(url) for value in PERSONAL)
        before = verdicts(url)

        now = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=1)
        assert purge(store, now, now) == 3

        rows = raw_rows(url)
        assert [value for value in PERSONAL if value in rows] == []
        assert KEPT_NIK in rows  # the call still open, and the one whose report waits
        assert verdicts(url) == before
        for call_id in (delivered, dead):
            kept = store.get(call_id)
            assert (kept.agent, kept.state.outcome) == ("ana", "APKT_TO_UNIT")
            document = store.deliveries()
            mine = [d for d in document if d.call_id == call_id]
            assert all(d.purged_at is not None for d in mine)
            # The purged document is the report of the purged call, as it would be made now.
            assert dict(mine[0].body) == report_of(
                load(kept), call_id=call_id, agent="ana", started=kept.created
            )
        dead_one = next(d for d in store.deliveries() if d.call_id == dead)
        with pytest.raises(ReportPurged):
            store.retry(dead_one.id, now)
        assert "Dewi Lestari" in rows
        assert KEPT_NIK in repr(store.get(waiting).log)
        assert purge(store, now, now) == 0  # nothing left to purge
        reported(store, "delivered")  # the waiting report is sent: its call is purged next
        assert purge(store, now + dt.timedelta(seconds=1), now) == 1
        assert KEPT_NIK in raw_rows(url)  # the call still open keeps its NIK
        assert store.get(still_open.id).log[1].value == KEPT_NIK  # type: ignore[union-attr]
    finally:
        store.close()
