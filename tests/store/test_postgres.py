"""What the PostgreSQL store does its own way: the writes the service's event loop
queued together are sent as one JSON document per statement, and must keep each write as
it would be kept alone.

The reference is the memory store, which applies each write alone, in order: any batch
of creates and appends (several of one call, stale ones, ones of calls no store holds,
reports, any answer value and time) committed together on PostgreSQL leaves every call
and every write's result as the memory store leaves them.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import functools
import gc
import time
import uuid
import warnings
from collections.abc import Callable, Iterator

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopfsm.errors import StaleRevision, StoreError, UnknownCall
from sopfsm.store import CallState, CallStore, LoggedAnswer, StoredCall, open_store
from sopfsm.store.base import ReportChange, is_utf8
from sopfsm.store.memory import MemoryStore
from sopfsm.store.postgres import MAX_BATCH, POOL_WAIT, PostgresStore, _Write
from tests.support.loops import end, on_loop, running_loop
from tests.support.stored import ANSWER_VALUES, T0, new_call

TIMES = st.datetimes(
    min_value=dt.datetime(1900, 1, 1),
    max_value=dt.datetime(2200, 1, 1),
    timezones=st.sampled_from([dt.UTC, dt.timezone(dt.timedelta(hours=7))]),
)


@attrs.frozen
class _Op:
    """One write of a batch: a new call (``target`` None; ``again`` names one that is
    held already), or an append to the call ``target`` names (an index into the calls
    held or made so far; one past them is a call no store holds), as a writer who read
    it ``ahead`` revisions from where it is (behind it if negative) would make it. Calls
    are named by ``key`` first, so the order in which a batch takes them is drawn too."""

    target: int | None
    key: int
    again: bool
    ahead: int
    answers: tuple[LoggedAnswer, ...]
    state: CallState
    updated: dt.datetime
    report: bool


ANSWERS = st.lists(
    st.builds(
        LoggedAnswer,
        question=st.sampled_from(["accepts_explanation", "meter_reading", "q\u00e9"]),
        value=ANSWER_VALUES.filter(lambda v: not isinstance(v, str) or is_utf8(v)),
        agent=st.sampled_from(["ana", "budi"]),
        at=TIMES,
        by=st.sampled_from(["cso", "supervisor"]),
    ),
    max_size=3,
).map(tuple)
STATES = st.builds(
    CallState,
    step=st.sampled_from(["ask_meter_reading", "done"]),
    path=st.lists(st.sampled_from(["ask_accepts_explanation", "done"]), max_size=3).map(tuple),
    outcome=st.sampled_from([None, "APKT_TO_UNIT"]),
)
OPS = st.lists(
    st.builds(
        _Op,
        target=st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
        key=st.integers(min_value=0, max_value=9),
        again=st.integers(min_value=0, max_value=9).map(lambda n: n == 0),
        ahead=st.sampled_from([0, 0, 0, -1, 1]),
        answers=ANSWERS,
        state=STATES,
        updated=TIMES,
        report=st.booleans(),
    ),
    min_size=2,
    max_size=12,
)


@pytest.fixture
def postgres(postgres_url: str) -> Iterator[PostgresStore]:
    store = open_store(postgres_url)
    assert isinstance(store, PostgresStore)
    try:
        yield store
    finally:
        store.close()


@pytest.fixture
def loop() -> Iterator[asyncio.AbstractEventLoop]:
    with running_loop() as running:
        yield running


def _report(call: StoredCall) -> ReportChange:
    return ReportChange(f"rpt-{call.id}", "report", {"call": call.id, "n": 1})


def _outcome(work: Callable[[], StoredCall]) -> object:
    """A write's result with the store's own numbering left out, or its error's kind
    and the values it names."""
    try:
        kept = work()
    except StaleRevision as error:
        # Named at the revision given; the current one is read when the batch is done,
        # so a later write of the same batch may have moved it on.
        return ("stale", error.given)
    except UnknownCall as error:
        return ("unknown", str(error))
    except StoreError:
        return ("refused",)
    return attrs.evolve(kept, seq=0)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(keys=st.lists(st.integers(min_value=0, max_value=9), min_size=3, max_size=3), ops=OPS)
def test_writes_committed_together_are_each_kept_or_refused_as_alone(
    postgres: PostgresStore, loop: asyncio.AbstractEventLoop, keys: list[int], ops: list[_Op]
) -> None:
    reference: CallStore = MemoryStore()
    run = uuid.uuid4().hex  # the store is shared by every example

    def named(call: StoredCall, key: int) -> StoredCall:
        return attrs.evolve(call, id=f"{run}-{key}-{call.id}")

    calls = [named(new_call(log=n), key) for n, key in enumerate(keys)]
    for call in calls:
        postgres.create(call)
        reference.create(call)

    batch: list[_Write] = []
    expected = []
    for op in ops:
        report = None
        if op.target is None:
            fresh = named(attrs.evolve(new_call(), log=op.answers, updated=op.updated), op.key)
            call = attrs.evolve(fresh, id=calls[0].id) if op.again else fresh
            calls.append(call)
            report = _report(call) if op.report else None
            batch.append(_Write("create", call, call.log, call.state, call.updated, report))
            expected.append(_outcome(functools.partial(reference.create, call, report)))
            continue
        if op.target < len(calls):
            read = _outcome(functools.partial(reference.get, calls[op.target].id))
            call = read if isinstance(read, StoredCall) else calls[op.target]
        else:
            call = named(new_call(), op.key)
        moved = max(0, call.revision + op.ahead)
        filler = tuple(LoggedAnswer("q", "ya", "ana", T0) for _ in range(moved))
        view = attrs.evolve(call, log=(call.log + filler)[:moved])
        report = _report(view) if op.report else None
        batch.append(_Write("append", view, op.answers, op.state, op.updated, report))
        expected.append(
            _outcome(
                functools.partial(reference.append, view, op.answers, op.state, op.updated, report)
            )
        )

    # Queued in one step of the loop, before its writer runs: committed as one batch.
    on_loop(loop, lambda: [postgres._queue(job) for job in batch])
    assert [_outcome(functools.partial(job.done.result, 30)) for job in batch] == expected
    for call in calls:
        assert _outcome(functools.partial(postgres.get, call.id)) == _outcome(
            functools.partial(reference.get, call.id)
        )
    # Each answer is logged at its own revision, which redactions and record entries name.
    with postgres._connection() as db:
        rows = db.execute(
            "SELECT c.id, c.revision AS now, array_agg(a.revision ORDER BY a.revision) AS logged"
            " FROM calls c LEFT JOIN answers a ON a.call_seq = c.seq WHERE c.id LIKE %s"
            " GROUP BY c.id, c.revision",
            (f"{run}-%",),
        ).fetchall()
    for row in rows:
        assert [n for n in row["logged"] if n is not None] == list(range(1, row["now"] + 1))


# -- the writer a service's event loop commits on ----------------------------------------

MOVED = CallState("ask_meter_reading", ("ask_accepts_explanation", "ask_meter_reading"), None)
LATER = T0 + dt.timedelta(seconds=5)


def _answered(n: int) -> LoggedAnswer:
    return LoggedAnswer("accepts_explanation", n % 2 == 0, "ana", LATER, "cso")


def test_closing_the_store_commits_every_write_its_loops_hold(
    postgres_url: str, loop: asyncio.AbstractEventLoop
) -> None:
    # As at a shutdown: the writes are queued, and the store is closed before the loop's
    # writer has run.
    store = open_store(postgres_url)
    calls = [store.create(new_call()) for _ in range(20)]
    futures = on_loop(
        loop, lambda: [store.append_soon(c, [_answered(0)], MOVED, LATER) for c in calls]
    )
    store.close()
    kept = [future.result(timeout=0) for future in futures]
    reopened = open_store(postgres_url)
    try:
        assert [reopened.get(call.id) for call in calls] == kept
        assert all(call.revision == 1 for call in kept)
    finally:
        reopened.close()


def test_a_broken_connection_fails_its_batch_and_the_next_batch_connects_again(
    postgres: PostgresStore, loop: asyncio.AbstractEventLoop
) -> None:
    call = postgres.create(new_call())
    first = on_loop(loop, lambda: postgres.append_soon(call, [_answered(0)], MOVED, LATER))
    kept = first.result(timeout=30)
    writer = postgres._writers[loop]
    assert writer._db is not None
    with postgres._connection() as db:  # the database restarted, or the network cut
        db.execute("SELECT pg_terminate_backend(%s)", (writer._db.info.backend_pid,))
    refused = on_loop(loop, lambda: postgres.append_soon(kept, [_answered(1)], MOVED, LATER))
    with pytest.raises(StoreError, match="answer not kept"):
        refused.result(timeout=30)
    assert postgres.get(call.id) == kept
    again = on_loop(loop, lambda: postgres.append_soon(kept, [_answered(1)], MOVED, LATER))
    assert again.result(timeout=30).revision == 2 == postgres.get(call.id).revision


def test_a_loop_that_ends_before_the_store_closes_leaves_no_connection_open(
    postgres: PostgresStore,
) -> None:
    # A loop of its own for each (asyncio.run), as a test client's or a script's: psycopg
    # warns of a connection deleted while open, which the warnings filter makes an error.
    calls = [postgres.create(new_call()) for _ in range(3)]

    async def answer(call: StoredCall) -> StoredCall:
        return await asyncio.wrap_future(postgres.append_soon(call, [_answered(0)], MOVED, LATER))

    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        kept = [asyncio.run(answer(call)) for call in calls]
        gc.collect()
    assert [w.message for w in seen if issubclass(w.category, ResourceWarning)] == []
    assert len(postgres._writers) == 0  # each loop's writer went with its loop
    assert [postgres.get(call.id) for call in calls] == kept


def test_writes_queued_behind_a_broken_connection_are_kept_on_a_new_one(
    postgres: PostgresStore, loop: asyncio.AbstractEventLoop
) -> None:
    calls = [postgres.create(new_call()) for _ in range(MAX_BATCH + 6)]
    on_loop(loop, lambda: postgres.append_soon(calls[0], [_answered(0)], MOVED, LATER)).result(30)
    writer = postgres._writers[loop]
    assert writer._db is not None
    with postgres._connection() as db:
        db.execute("SELECT pg_terminate_backend(%s)", (writer._db.info.backend_pid,))
    futures = on_loop(
        loop, lambda: [postgres.append_soon(c, [_answered(1)], MOVED, LATER) for c in calls[1:]]
    )
    errors = [future.exception(timeout=30) for future in futures]
    # The batch sent on the broken connection fails; the writes after it are kept.
    assert all(isinstance(e, StoreError) for e in errors[:MAX_BATCH])
    assert errors[MAX_BATCH:] == [None] * 5


def test_writes_after_a_refused_batch_wait_for_it_to_be_done_write_by_write(
    postgres: PostgresStore, loop: asyncio.AbstractEventLoop
) -> None:
    # The first batch creates calls, one of them twice: refused whole, it is done again
    # write by write. The second appends to the calls it creates, and must come after.
    calls = [new_call() for _ in range(MAX_BATCH - 1)]

    def queue() -> list[concurrent.futures.Future[StoredCall]]:
        made = [postgres.create_soon(call) for call in [*calls, calls[0]]]
        return made + [postgres.append_soon(c, [_answered(0)], MOVED, LATER) for c in calls]

    futures = on_loop(loop, queue)
    errors = [future.exception(timeout=60) for future in futures]
    assert isinstance(errors[MAX_BATCH - 1], StoreError)  # the second create of one id
    assert errors[: MAX_BATCH - 1] == [None] * (MAX_BATCH - 1)
    assert errors[MAX_BATCH:] == [None] * (MAX_BATCH - 1)
    assert all(postgres.get(call.id).revision == 1 for call in calls)


def test_a_write_that_cannot_be_sent_fails_its_batch_by_name_and_the_writer_goes_on(
    postgres: PostgresStore, loop: asyncio.AbstractEventLoop
) -> None:
    call, other = postgres.create(new_call()), postgres.create(new_call())
    unsendable = ReportChange("rpt-x", "report", {"at": T0})  # no JSON for a datetime
    futures = on_loop(
        loop,
        lambda: [
            postgres.append_soon(call, [_answered(0)], MOVED, LATER, unsendable),
            postgres.append_soon(other, [_answered(0)], MOVED, LATER),
        ],
    )
    for future in futures:
        with pytest.raises(StoreError, match="answer not kept"):
            future.result(timeout=30)
    assert (postgres.get(call.id), postgres.get(other.id)) == (call, other)
    later = on_loop(loop, lambda: postgres.append_soon(other, [_answered(0)], MOVED, LATER))
    assert later.result(timeout=30).revision == 1


def test_a_write_in_flight_when_its_loop_stops_is_settled_when_the_store_closes(
    postgres_url: str,
) -> None:
    store = open_store(postgres_url)
    call = store.create(new_call())
    loop = asyncio.new_event_loop()
    try:

        async def queue_and_stop() -> concurrent.futures.Future[StoredCall]:
            future = store.append_soon(call, [_answered(0)], MOVED, LATER)
            await asyncio.sleep(0)  # the writer sends its batch; the loop then stops
            return future

        future = loop.run_until_complete(queue_and_stop())
        assert not future.done()
        store.close()
        with pytest.raises(StoreError, match="before the answer was known to be kept"):
            future.result(timeout=0)
    finally:
        end(loop)


def test_closing_the_store_while_its_loop_stops_does_not_wait_for_the_loop(
    postgres_url: str,
) -> None:
    store = open_store(postgres_url)
    call = store.create(new_call())
    with running_loop() as loop:
        on_loop(loop, lambda: store.append_soon(call, [_answered(0)], MOVED, LATER)).result(30)

        def last_step() -> None:  # busy for a while, then the loop stops
            time.sleep(0.2)
            loop.stop()

        loop.call_soon_threadsafe(last_step)
        time.sleep(0.05)
        began = time.monotonic()
        store.close()
        assert time.monotonic() - began < POOL_WAIT / 2  # not the whole wait for a stuck loop
