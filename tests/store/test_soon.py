"""The writes the service's event loop awaits (``append_soon``, ``create_soon``) keep the
contract of ``append`` and ``create`` on every store, alone and committed together.

SQLite and PostgreSQL commit the writes waiting at one moment as one transaction: these
tests put many in flight at once, so that a batch holds kept and refused writes side by
side, and check that each is kept or refused as it would have been alone. Each runs as a
thread calls the store and as the service's event loop does, all of a test's writes
queued in one step of the loop (PostgreSQL commits a loop's writes on that loop).
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
from collections.abc import Callable
from typing import Any

import attrs
import pytest

from sopfsm.errors import StaleRevision, StoreError, UnknownCall
from sopfsm.store import CallState, CallStore, LoggedAnswer, StoredCall
from sopfsm.store.base import ReportChange
from tests.support.stored import T0, new_call

Soon = Callable[[Callable[[], Any]], Any]

MOVED = CallState("ask_meter_reading", ("ask_accepts_explanation", "ask_meter_reading"), None)
DONE = CallState("done", ("ask_accepts_explanation", "done"), "APKT_TO_UNIT")
LATER = T0 + dt.timedelta(seconds=5)


def _answer(agent: str = "ana", value: object = True) -> LoggedAnswer:
    return LoggedAnswer("accepts_explanation", value, agent, LATER, "cso")  # type: ignore[arg-type]


def _report(call: StoredCall, n: int = 1) -> ReportChange:
    return ReportChange(f"rpt-{call.id}", "report", {"call": call.id, "n": n})


def test_an_answer_appended_soon_is_kept_as_append_keeps_it(store: CallStore, soon: Soon) -> None:
    call = store.create(new_call())
    kept = soon(lambda: store.append_soon(call, [_answer()], MOVED, LATER)).result(timeout=30)
    assert kept.revision == 1 and kept.state == MOVED and kept.updated == LATER
    assert store.get(call.id) == kept


def test_a_stale_answer_appended_soon_is_refused_in_its_future_and_changes_nothing(
    store: CallStore, soon: Soon
) -> None:
    call = store.create(new_call())
    after = store.append(call, [_answer()], MOVED, LATER)
    refused = soon(lambda: store.append_soon(call, [_answer("budi")], DONE, LATER))
    with pytest.raises(StaleRevision) as raised:
        refused.result(timeout=30)
    assert (raised.value.given, raised.value.current) == (0, 1)
    assert store.get(call.id) == after
    with pytest.raises(UnknownCall):
        soon(lambda: store.append_soon(new_call(), [_answer()], MOVED, LATER)).result(timeout=30)


def test_text_that_is_not_utf8_is_refused_before_anything_is_queued(
    store: CallStore, soon: Soon
) -> None:
    call = store.create(new_call())
    with pytest.raises(StoreError, match="lone surrogate"):
        soon(lambda: store.append_soon(call, [_answer(value="\ud800")], MOVED, LATER))
    with pytest.raises(StoreError, match="lone surrogate"):
        soon(lambda: store.create_soon(attrs.evolve(new_call(), agent="\udfff")))
    assert store.get(call.id) == call


def test_a_call_created_soon_comes_back_as_created(store: CallStore, soon: Soon) -> None:
    call = new_call(log=2)
    kept = soon(lambda: store.create_soon(call, _report(call))).result(timeout=30)
    assert kept.seq >= 1 and kept.report is not None and kept.report.revision == 1
    assert store.get(call.id) == kept
    with pytest.raises(StoreError, match=call.id):
        soon(lambda: store.create_soon(call)).result(timeout=30)  # the same id twice


def test_answers_in_flight_together_are_each_kept_or_refused_as_alone(
    store: CallStore, soon: Soon
) -> None:
    calls = [store.create(new_call()) for _ in range(40)]
    # Two answers race for each call at the same revision (one must lose), half of the
    # winners make a report, and every tenth call is unknown to the store.
    writes = []
    for n, call in enumerate(calls):
        ghost = n % 10 == 9
        target = new_call() if ghost else call
        report = _report(call) if n % 2 else None
        writes += [(target, _answer(agent), report) for agent in ("ana", "budi")]
    futures: list[tuple[StoredCall, concurrent.futures.Future[StoredCall]]] = soon(
        lambda: [(t, store.append_soon(t, [a], DONE, LATER, r)) for t, a, r in writes]
    )
    kept: dict[str, StoredCall] = {}
    for target, future in futures:
        error = future.exception(timeout=60)
        if isinstance(error, UnknownCall):
            assert target.id not in {c.id for c in calls}
            continue
        if isinstance(error, StaleRevision):
            assert (error.given, error.current) == (0, 1)
            continue
        assert error is None, error
        assert target.id not in kept, "two answers at one revision were both kept"
        kept[target.id] = future.result()
    assert len(kept) == 36  # every known call took exactly one of its two answers
    for n, call in enumerate(calls):
        if n % 10 == 9:
            assert store.get(call.id) == call
            continue
        back = store.get(call.id)
        assert back == kept[call.id]
        assert back.revision == 1 and back.state == DONE
        assert (back.report is not None) == bool(n % 2)
        if back.report is not None:
            assert back.report.revision == 1
    delivered = {d.call_id for d in store.deliveries(limit=200)}
    assert delivered == {c.id for n, c in enumerate(calls) if n % 2 and n % 10 != 9}


def test_several_answers_appended_soon_keep_their_order(store: CallStore, soon: Soon) -> None:
    call = soon(lambda: store.create_soon(new_call())).result(timeout=30)  # a call started bare
    assert call.revision == 0 and store.get(call.id) == call
    two = [_answer("ana", True), LoggedAnswer("meter_reading", 12.5, "ana", LATER, "cso")]
    kept = soon(lambda: store.append_soon(call, two, DONE, LATER, _report(call))).result(timeout=30)
    assert kept.log == tuple(two) and kept.report is not None
    assert store.get(call.id) == kept


def test_a_write_whose_waiter_gives_up_is_kept_whole_or_not_at_all_and_the_next_is_served(
    store: CallStore, soon: Soon
) -> None:
    # A request cancelled while its answer waits (a client gone, a shutdown's deadline)
    # cancels the store's future: the writer must neither half-apply it nor stop.
    calls = [store.create(new_call()) for _ in range(30)]
    futures = soon(lambda: [store.append_soon(call, [_answer()], DONE, LATER) for call in calls])
    given_up = {n for n in range(0, 30, 2) if futures[n].cancel()}
    kept = {n: f.result(timeout=30) for n, f in enumerate(futures) if n not in given_up}
    soon(lambda: store.create_soon(new_call())).result(timeout=30)  # every write before it is done
    for n, call in enumerate(calls):
        assert store.get(call.id) == kept.get(n, call)  # a given-up write was not run
    after = soon(lambda: store.create_soon(new_call())).result(timeout=30)
    assert store.get(after.id) == after


def test_a_closed_store_refuses_a_write_soon_by_name(store: CallStore, soon: Soon) -> None:
    call = store.create(new_call())
    store.close()
    with pytest.raises(StoreError, match="closed"):
        soon(lambda: store.append_soon(call, [_answer()], DONE, LATER)).result(timeout=30)


def test_of_one_call_created_twice_in_flight_one_is_kept_and_the_others_still_are(
    store: CallStore, soon: Soon
) -> None:
    # The second insert of one id fails its batch's transaction: every other write of
    # the batch must still be kept, and the repeat refused by name.
    twice = new_call()
    others = [new_call() for _ in range(10)]
    futures = soon(lambda: [store.create_soon(c) for c in [twice, *others, twice]])
    errors = [f.exception(timeout=30) for f in futures]
    assert [e is None for e in errors] == [True] * 11 + [False]
    assert isinstance(errors[-1], StoreError) and twice.id in str(errors[-1])
    for call, future in zip([twice, *others], futures, strict=False):
        assert store.get(call.id) == future.result()
