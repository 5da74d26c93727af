"""The APKT outbox, one contract for every store: a report revision exists exactly when
the change that made it does, leaves in order, is held by one deliverer at a time, and
keeps what came of each attempt."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from sopfsm.errors import AlreadyDelivered, StaleRevision, UnknownDelivery
from sopfsm.store import CallState, CallStore, LoggedAnswer, StoredCall, open_store
from sopfsm.store.base import ReportChange, Settlement
from tests.support.stored import T0, new_call

LEASE = dt.timedelta(seconds=60)
DONE = CallState("issue_closed", ("ask_accepts_explanation", "issue_closed"), "APKT_ISSUE_CLOSED")
OPEN = CallState("ask_meter_reading", ("ask_accepts_explanation", "ask_meter_reading"), None)


def report(call: StoredCall, kind: str = "report", **extra: Any) -> ReportChange:
    body = {"report_id": f"apkt-{call.id}", "call_id": call.id, "kind": kind, **extra}
    return ReportChange(f"apkt-{call.id}", kind, body)


def answered(
    store: CallStore, call: StoredCall, value: object, state: CallState, change: ReportChange | None
) -> StoredCall:
    at = T0 + dt.timedelta(seconds=1 + call.revision)
    entry = LoggedAnswer("accepts_explanation", value, "ana", at, "cso")  # type: ignore[arg-type]
    return store.append(call, [entry], state, at, change)


def test_a_report_is_kept_with_the_answer_that_made_it(store: CallStore) -> None:
    call = store.create(new_call())
    assert call.report is None and store.deliveries() == []
    after = answered(store, call, True, DONE, report(call, outcome="APKT_ISSUE_CLOSED"))
    assert after.report is not None
    assert (after.report.revision, after.report.kind, after.report.state) == (
        1,
        "report",
        "pending",
    )
    assert store.get(call.id).report == after.report
    [kept] = store.deliveries()
    assert (kept.report_id, kept.revision, kept.call_id, kept.state) == (
        f"apkt-{call.id}", 1, call.id, "pending",
    )  # fmt: skip
    assert kept.body["outcome"] == "APKT_ISSUE_CLOSED"
    assert kept.idempotency_key == f"apkt-{call.id}:1"
    assert kept.payload()["revision"] == 1


def test_a_refused_answer_keeps_no_report(store: CallStore) -> None:
    call = store.create(new_call())
    answered(store, call, True, OPEN, None)
    with pytest.raises(StaleRevision):
        answered(store, call, True, DONE, report(call))  # the revision read before
    assert store.deliveries() == []
    assert store.get(call.id).report is None


def test_a_call_created_at_its_outcome_keeps_its_report(store: CallStore) -> None:
    call = new_call()
    kept = store.create(call, report(call))
    assert kept.report is not None and kept.report.revision == 1
    assert [d.call_id for d in store.deliveries()] == [call.id]


def test_revisions_number_up_and_leave_in_order(store: CallStore) -> None:
    call = store.create(new_call())
    call = answered(store, call, True, DONE, report(call, n=1))
    call = answered(store, call, False, OPEN, report(call, "withdrawal"))
    call = answered(store, call, True, DONE, report(call, n=3))
    assert call.report is not None and call.report.revision == 3
    assert [d.revision for d in store.deliveries()] == [3, 2, 1]  # newest first
    # Only the first is due: a later revision waits for the earlier ones.
    [first] = store.claim(T0 + dt.timedelta(hours=1), LEASE, 10)
    assert first.revision == 1
    assert store.claim(T0 + dt.timedelta(hours=1), LEASE, 10) == []
    settled = Settlement("delivered", T0 + dt.timedelta(hours=1), 1, status=200)
    assert store.settle(first, settled)
    [second] = store.claim(T0 + dt.timedelta(hours=1), LEASE, 10)
    assert (second.revision, second.kind) == (2, "withdrawal")
    assert store.get(call.id).report is not None
    assert store.get(call.id).report.state == "pending"  # type: ignore[union-attr]


def test_a_claimed_revision_is_held_until_its_lease_runs_out(store: CallStore) -> None:
    call = store.create(new_call())
    answered(store, call, True, DONE, report(call))
    now = T0 + dt.timedelta(minutes=1)
    [held] = store.claim(now, LEASE, 10)
    assert store.claim(now + LEASE / 2, LEASE, 10) == []
    [again] = store.claim(now + LEASE, LEASE, 10)
    assert again.id == held.id and again.claims == held.claims + 1
    # The first deliverer's result comes too late: the later claim's stands.
    late = Settlement("delivered", now + LEASE, 1, status=200)
    assert not store.settle(held, late)
    assert store.delivery(held.id).state == "pending"
    assert store.settle(again, late)
    done = store.delivery(held.id)
    assert (done.state, done.attempts, done.last_status) == ("delivered", 1, 200)
    assert done.delivered_at == now + LEASE
    assert store.get(call.id).report.state == "delivered"  # type: ignore[union-attr]


def test_a_failed_attempt_waits_until_its_next_time(store: CallStore) -> None:
    call = store.create(new_call())
    answered(store, call, True, DONE, report(call))
    now = T0 + dt.timedelta(minutes=1)
    [claimed] = store.claim(now, LEASE, 10)
    later = now + dt.timedelta(seconds=30)
    failed = Settlement("pending", now, 1, next_at=later, status=503, error="503: busy")
    assert store.settle(claimed, failed)
    assert store.claim(later - dt.timedelta(seconds=1), LEASE, 10) == []
    [again] = store.claim(later, LEASE, 10)
    assert (again.attempts, again.last_status, again.last_error) == (1, 503, "503: busy")


def test_a_dead_delivery_is_retried_by_hand_and_a_delivered_one_is_not(store: CallStore) -> None:
    call = store.create(new_call())
    answered(store, call, True, DONE, report(call))
    now = T0 + dt.timedelta(minutes=1)
    [claimed] = store.claim(now, LEASE, 10)
    assert store.settle(claimed, Settlement("dead", now, 1, status=410, error="refused: 410"))
    assert store.claim(now + dt.timedelta(days=1), LEASE, 10) == []
    assert [d.id for d in store.deliveries("dead")] == [claimed.id]
    assert store.deliveries("pending") == []
    retried = store.retry(claimed.id, now + dt.timedelta(hours=1))
    assert (retried.state, retried.attempts) == ("pending", 0)
    assert retried.last_error == "refused: 410"  # the answer that killed it stays to read
    [again] = store.claim(now + dt.timedelta(hours=1), LEASE, 10)
    assert store.settle(again, Settlement("delivered", now, 1, status=200))
    with pytest.raises(AlreadyDelivered) as refused:
        store.retry(claimed.id, now)
    assert (refused.value.report, refused.value.revision) == (claimed.report_id, 1)
    assert store.delivery(claimed.id).state == "delivered"


def test_a_retry_leaves_an_attempt_in_flight_alone(store: CallStore) -> None:
    call = store.create(new_call())
    answered(store, call, True, DONE, report(call))
    now = T0 + dt.timedelta(minutes=1)
    [held] = store.claim(now, LEASE, 10)
    store.retry(held.id, now)
    assert store.claim(now, LEASE, 10) == []  # still in flight: never sent twice at once
    assert store.settle(held, Settlement("delivered", now, 1, status=200))


def test_an_unknown_delivery_is_named(store: CallStore) -> None:
    for missing in (1, 987_654):
        with pytest.raises(UnknownDelivery) as raised:
            store.delivery(missing)
        assert raised.value.delivery == missing
        with pytest.raises(UnknownDelivery):
            store.retry(missing, T0)


def test_deliveries_page_newest_first_without_losing_or_repeating_one(store: CallStore) -> None:
    ids = []
    for _ in range(7):
        call = new_call()
        store.create(call, report(call))
        ids.append(store.get(call.id).report)
    seen: list[int] = []
    before: int | None = None
    while True:
        page = store.deliveries(before=before, limit=3)
        seen += [d.id for d in page]
        if len(page) < 3:
            break
        before = page[-1].id
    assert seen == sorted(seen, reverse=True) and len(set(seen)) == 7


def test_the_outbox_outlives_the_store_process(durable_url: str) -> None:
    first = open_store(durable_url)
    try:
        call = first.create(new_call())
        answered(first, call, True, DONE, report(call))
        [held] = first.claim(T0 + LEASE, LEASE, 10)
    finally:
        first.close()
    # A deliverer that died holding the claim: the revision is due again once the lease
    # runs out, in a new process.
    second = open_store(durable_url)
    try:
        assert second.claim(T0 + LEASE, LEASE, 10) == []
        [again] = second.claim(T0 + 2 * LEASE, LEASE, 10)
        assert (again.id, again.report_id, again.revision) == (held.id, held.report_id, 1)
    finally:
        second.close()
