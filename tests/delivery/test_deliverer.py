"""The deliverer against a real receiver on loopback: each way a receiver can answer,
well or badly, ends as the documented delivery state, with a reason that says why."""

from __future__ import annotations

import datetime as dt
import logging
import random
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from sopfsm.delivery import Deliverer, DeliveryOptions, RetryPolicy
from sopfsm.signing import SigningKey
from sopfsm.store import CallState, CallStore, StoredCall, open_store
from sopfsm.store.base import Delivery, ReportChange
from tests.support.backends import PATIENCE, ServerThread, free_port
from tests.support.receiver import (
    CLOSE,
    DRIP,
    FAIL,
    GARBAGE,
    GONE,
    HANG,
    OK,
    REDIRECT,
    SLOW_DOWN,
    Receiver,
)

KEY = SigningKey("apkt-2026-12", b"the receiver and sopfsm share this secret")
T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
QUICK = RetryPolicy(base=0.01, factor=2.0, cap=0.05, attempts=3)


@pytest.fixture
def store() -> Iterator[CallStore]:
    opened = open_store("memory:")
    try:
        yield opened
    finally:
        opened.close()


def outbox(store: CallStore, n: int = 1) -> list[str]:
    """``n`` calls each with the first revision of its report; their report ids."""
    ids = []
    for _ in range(n):
        call_id = uuid.uuid4().hex
        call = StoredCall(
            id=call_id, sop="lebih-tagih", version="2020-04-10", agent="ana", created=T0,
            updated=T0, state=CallState("issue_closed", ("issue_closed",), "APKT_ISSUE_CLOSED"),
            log=(),
        )  # fmt: skip
        body = {"report_id": f"apkt-{call_id}", "call_id": call_id, "kind": "report",
                "customer": {"idpel": "512345678901"}}  # fmt: skip
        store.create(call, ReportChange(f"apkt-{call_id}", "report", body))
        ids.append(f"apkt-{call_id}")
    return ids


def deliverer(store: CallStore, url: str, **options: object) -> Deliverer:
    settings: dict[str, object] = {"timeout": 2.0, "policy": QUICK, **options}
    return Deliverer(store, url, (KEY,), DeliveryOptions(**settings),  # type: ignore[arg-type]
                     rng=random.Random(7))  # fmt: skip


def only(store: CallStore) -> Delivery:
    [found] = store.deliveries()
    return found


def test_a_healthy_receiver_gets_each_report_once_signed_with_its_key(store: CallStore) -> None:
    reports = outbox(store, 3)
    receiver = Receiver({KEY.id: KEY.secret})
    with ServerThread(receiver) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            assert sender.run_once() == 3
            assert sender.run_once() == 0
        finally:
            sender.close()
    assert sorted(r.document["report_id"] for r in receiver.received) == sorted(reports)
    for request in receiver.received:
        assert request.signed_by == KEY.id
        assert request.key == f"{request.document['report_id']}:1"
        assert request.document["revision"] == 1
        assert request.headers["content-type"] == "application/json"
    assert {d.state for d in store.deliveries()} == {"delivered"}
    assert {d.last_status for d in store.deliveries()} == {200}


def test_a_200_with_garbage_is_delivered(store: CallStore) -> None:
    outbox(store)
    with ServerThread(Receiver({}, lambda _n: GARBAGE)) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            sender.run_once()
        finally:
            sender.close()
    assert (only(store).state, only(store).last_status) == ("delivered", 200)


def test_a_receiver_that_hangs_is_timed_out_and_retried(store: CallStore) -> None:
    outbox(store)
    receiver = Receiver({}, lambda n: HANG if n == 0 else OK, hang_seconds=1.5)
    with ServerThread(receiver) as base:
        sender = deliverer(store, f"{base}/apkt", timeout=0.3)
        try:
            sender.run_once()
            waiting = only(store)
            assert (waiting.state, waiting.attempts) == ("pending", 1)
            assert (waiting.last_error or "").startswith("no whole answer within 0.3 s a step")
            _after_backoff(sender)
        finally:
            sender.close()
    assert (only(store).state, only(store).attempts) == ("delivered", 2)


def test_a_connection_closed_mid_body_is_retried(store: CallStore) -> None:
    outbox(store)
    receiver = Receiver({}, lambda n: CLOSE if n == 0 else OK)
    with ServerThread(receiver) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            sender.run_once()
            waiting = only(store)
            assert waiting.state == "pending"
            assert "connection failed" in (waiting.last_error or "")
            _after_backoff(sender)
        finally:
            sender.close()
    assert only(store).state == "delivered"
    # Both attempts carried the same key: the receiver can tell the second is the first.
    assert len({r.key for r in receiver.received}) == 1 and len(receiver.received) == 2


def test_a_redirect_is_not_followed_and_the_report_is_dead(store: CallStore) -> None:
    outbox(store)
    receiver = Receiver({}, lambda _n: REDIRECT)
    with ServerThread(receiver) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            sender.run_once()
        finally:
            sender.close()
    dead = only(store)
    assert (dead.state, dead.last_status, dead.attempts) == ("dead", 307, 1)
    assert "not followed" in (dead.last_error or "") and "/elsewhere" in (dead.last_error or "")
    assert [r.path for r in receiver.received] == ["/apkt"]  # nothing sent where it pointed


def test_a_410_is_dead_at_once_with_the_receivers_answer_kept(store: CallStore) -> None:
    outbox(store)
    with ServerThread(Receiver({}, lambda _n: GONE)) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            sender.run_once()
            assert sender.run_once() == 0
        finally:
            sender.close()
    dead = only(store)
    assert (dead.state, dead.last_status, dead.attempts) == ("dead", 410, 1)
    assert "this endpoint is retired" in (dead.last_error or "")


def test_a_retry_after_of_a_year_waits_only_the_cap(store: CallStore) -> None:
    outbox(store)
    policy = RetryPolicy(base=1.0, cap=600.0, attempts=5)
    with ServerThread(Receiver({}, lambda _n: SLOW_DOWN)) as base:
        sender = deliverer(store, f"{base}/apkt", policy=policy)
        try:
            before = dt.datetime.now(dt.UTC)
            sender.run_once()
            after = dt.datetime.now(dt.UTC)
        finally:
            sender.close()
    waiting = only(store)
    assert (waiting.state, waiting.last_status) == ("pending", 429)
    assert before + dt.timedelta(seconds=600) <= waiting.next_at
    assert waiting.next_at <= after + dt.timedelta(seconds=600)


def test_a_receiver_failing_every_time_makes_the_report_dead_after_the_limit(
    store: CallStore,
) -> None:
    outbox(store)
    receiver = Receiver({}, lambda _n: FAIL)
    with ServerThread(receiver) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            for _ in range(QUICK.attempts):
                _after_backoff(sender)
            assert sender.run_once() == 0
        finally:
            sender.close()
    dead = only(store)
    assert (dead.state, dead.attempts, dead.last_status) == ("dead", 3, 503)
    assert (dead.last_error or "").startswith("gave up after 3 attempts: 503: busy")
    assert len(receiver.received) == 3


def test_a_refused_connection_is_retried(store: CallStore) -> None:
    outbox(store)
    sender = deliverer(store, f"http://127.0.0.1:{free_port()}/apkt")
    try:
        sender.run_once()
    finally:
        sender.close()
    waiting = only(store)
    assert (waiting.state, waiting.attempts, waiting.last_status) == ("pending", 1, None)
    assert "cannot connect" in (waiting.last_error or "")


def test_the_secret_never_reaches_a_log_line(
    store: CallStore, caplog: pytest.LogCaptureFixture
) -> None:
    outbox(store, 2)
    caplog.set_level(logging.DEBUG)
    chooser = iter([FAIL, GONE])
    with ServerThread(Receiver({}, lambda _n: next(chooser, OK))) as base:
        sender = deliverer(store, f"{base}/apkt")
        try:
            _after_backoff(sender)
            _after_backoff(sender)
        finally:
            sender.close()
    assert caplog.records, "the deliverer logs what it does"
    text = "\n".join(record.getMessage() for record in caplog.records)
    assert KEY.secret.decode() not in text
    assert "512345678901" not in text  # nor the customer's details


def _after_backoff(sender: Deliverer) -> None:
    """Wait out the quick policy's backoff, then deliver what is due."""
    import time

    time.sleep(QUICK.cap + 0.02)
    sender.run_once()


def test_on_sqlite_one_deliverer_delivers_and_another_takes_over_when_it_stops(
    tmp_path: Path,
) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    stores = [open_store(url), open_store(url)]
    sent: dict[str, list[str]] = {"first": [], "second": []}

    def recording(name: str) -> httpx.MockTransport:
        def answer(request: httpx.Request) -> httpx.Response:
            sent[name].append(request.headers["Idempotency-Key"])
            return httpx.Response(200)

        return httpx.MockTransport(answer)

    options = DeliveryOptions(poll=0.02, policy=QUICK)
    first, second = (
        Deliverer(store, "http://apkt.test/in", (KEY,), options, transport=recording(name))
        for store, name in zip(stores, sent, strict=True)
    )
    threads = [threading.Thread(target=d.run) for d in (first, second)]
    try:
        threads[0].start()
        outbox(stores[0], 3)
        assert _until(lambda: len(sent["first"]) == 3)
        threads[1].start()
        outbox(stores[0], 3)
        assert _until(lambda: len(sent["first"]) == 6)
        assert sent["second"] == []  # it waits for the lock the first holds
        first.close()
        threads[0].join(PATIENCE)
        outbox(stores[0], 2)
        assert _until(lambda: len(sent["second"]) == 2)
    finally:
        for deliverer in (first, second):
            deliverer.close()
        for thread in threads:
            thread.join(PATIENCE)
        for store in stores:
            store.close()
    assert len(set(sent["first"] + sent["second"])) == 8


def _until(condition: Callable[[], bool]) -> bool:
    import time

    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return False


def test_an_unexpected_error_pauses_the_loop_without_ending_it_or_logging_its_message(
    store: CallStore, caplog: pytest.LogCaptureFixture
) -> None:
    outbox(store, 2)
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Idempotency-Key"])
        return httpx.Response(200)

    claim = store.claim
    failures = iter([ValueError("customer 3171010101900001 made this fail")])

    def flaky(*args: object) -> list[Delivery]:
        error = next(failures, None)
        if error is not None:
            raise error
        return claim(*args)  # type: ignore[arg-type]

    store.claim = flaky  # type: ignore[method-assign,assignment]
    sender = Deliverer(store, "http://apkt.test/in", (KEY,), DeliveryOptions(poll=0.02),
                       transport=httpx.MockTransport(answer))  # fmt: skip
    thread = threading.Thread(target=sender.run)
    thread.start()
    try:
        assert _until(lambda: len(sent) == 2)
    finally:
        sender.close()
        thread.join(PATIENCE)
    [paused] = [r.getMessage() for r in caplog.records if "paused" in r.getMessage()]
    assert "ValueError" in paused and "3171010101900001" not in paused


def test_an_answer_dripped_a_byte_at_a_time_is_cut_off_before_the_lease_ends(
    store: CallStore,
) -> None:
    outbox(store)
    with ServerThread(Receiver({}, lambda _n: DRIP)) as base:
        sender = deliverer(store, f"{base}/apkt", timeout=0.2)
        try:
            started = time.monotonic()
            sender.run_once()
            took = time.monotonic() - started
        finally:
            sender.close()
    assert took < sender.options.lease.total_seconds()
    assert took < 2 * sender.options.attempt_limit
    waiting = only(store)
    assert waiting.state == "pending"
    assert (waiting.last_error or "").startswith("no whole answer")


@pytest.mark.parametrize(
    ("status", "headers", "state"),
    [(200, {"Retry-After": "²"}, "delivered"), (503, {"Retry-After": "¹⁰"}, "pending"),
     (302, {"Location": "http://[oops/x"}, "dead")],
)  # fmt: skip
def test_a_malformed_header_in_an_answer_still_settles_the_attempt(
    store: CallStore, status: int, headers: dict[str, str], state: str
) -> None:
    outbox(store)
    sender = Deliverer(store, "http://apkt.test/in", (KEY,), DeliveryOptions(policy=QUICK),
                       transport=httpx.MockTransport(
                           lambda _r: httpx.Response(status, headers=[
                               (k.encode(), v.encode("latin-1")) for k, v in headers.items()
                           ])))  # fmt: skip
    try:
        assert sender.run_once() == 1
    finally:
        sender.close()
    assert (only(store).state, only(store).attempts) == (state, 1)


def test_a_receivers_words_stay_out_of_the_log(
    store: CallStore, caplog: pytest.LogCaptureFixture
) -> None:
    outbox(store)
    caplog.set_level(logging.DEBUG)
    said = "customer.nik 3171010101900001 (Budi Santoso) not in CIS"
    sender = Deliverer(store, "http://apkt.test/in", (KEY,), DeliveryOptions(policy=QUICK),
                       transport=httpx.MockTransport(
                           lambda _r: httpx.Response(422, text=said)))  # fmt: skip
    try:
        sender.run_once()
    finally:
        sender.close()
    assert said in (only(store).last_error or "")  # kept for whoever may read it
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "refused with 422" in logged
    assert "3171010101900001" not in logged and "Budi" not in logged


def test_a_lock_file_that_cannot_be_had_pauses_delivery_without_ending_it(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    store = open_store(url)
    in_the_way = tmp_path / "calls.db.deliver.lock"
    in_the_way.mkdir()  # a folder where the lock file goes
    sent: list[str] = []

    def answer(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Idempotency-Key"])
        return httpx.Response(200)

    sender = Deliverer(store, "http://apkt.test/in", (KEY,), DeliveryOptions(poll=0.02),
                       transport=httpx.MockTransport(answer))  # fmt: skip
    thread = threading.Thread(target=sender.run)
    thread.start()
    try:
        outbox(store, 1)
        assert _until(lambda: any("delivery paused" in r.getMessage() for r in caplog.records))
        assert thread.is_alive() and sent == []
        in_the_way.rmdir()
        assert _until(lambda: len(sent) == 1)
    finally:
        sender.close()
        thread.join(PATIENCE)
        store.close()
