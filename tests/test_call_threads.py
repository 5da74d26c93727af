"""One call, several threads: answers are applied one at a time, so one wins and the others
get NotPending and change nothing; a copy of a call is a call of its own."""

from __future__ import annotations

import copy
import datetime as dt
import json
import pickle
import threading
import time
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import sopfsm
from sopfsm import NotPending, strategies

SOPS = sopfsm.all_sops()


def _slow_clock() -> Callable[[], dt.datetime]:
    """A clock that yields to other threads mid-answer, where a race would do harm."""

    def clock() -> dt.datetime:
        time.sleep(0.002)
        return sopfsm.call.utc_now()

    return clock


def _race(call: sopfsm.Call, question: str, values: list[object]) -> list[BaseException | None]:
    barrier = threading.Barrier(len(values))
    results: list[BaseException | None] = [None] * len(values)

    def answer(index: int) -> None:
        barrier.wait()
        try:
            call.answer(question, values[index])
        except Exception as error:  # recorded, then asserted on in the test thread
            results[index] = error

    threads = [threading.Thread(target=answer, args=(i,)) for i in range(len(values))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def _consistent(call: sopfsm.Call) -> None:
    assert call._machine.current_state_value == call.step.id
    assert len(call.path) == len(call.answers) + 1
    assert sopfsm.restore(call.to_json()).to_dict() == call.to_dict()


@settings(max_examples=15, deadline=None)
@given(
    sop=st.sampled_from(SOPS),
    data=st.data(),
    threads=st.integers(2, 6),
)
def test_of_several_threads_answering_one_question_one_wins(
    sop: sopfsm.SopSpec, data: st.DataObject, threads: int
) -> None:
    call = sopfsm.start(sop, clock=_slow_clock())
    while call.pending is not None:
        question = call.pending
        values = [data.draw(strategies.valid_answers(question)) for _ in range(threads)]
        before = len(call.answers)
        results = _race(call, question.id, values)
        assert sum(r is None for r in results) == 1, results
        assert all(isinstance(r, NotPending) for r in results if r is not None)
        assert len(call.answers) == before + 1
        _consistent(call)
    assert call.outcome is not None


def test_threads_answering_a_call_while_others_save_it_never_see_it_half_applied() -> None:
    call = sopfsm.start("turun-daya", clock=_slow_clock())
    stop = threading.Event()
    seen: dict[str, dict[str, object]] = {}

    def save() -> None:
        while not stop.is_set():
            saved = call.to_dict()
            seen[json.dumps(saved)] = saved
            time.sleep(0.0005)

    saver = threading.Thread(target=save)
    saver.start()
    try:
        for question, value in [("target_tariff", "subsidi"), ("nik", "3171010101900001")]:
            assert _race(call, question, [value, value, value]).count(None) == 1
    finally:
        stop.set()
        saver.join()
    assert len(seen) >= 2
    for saved in seen.values():  # every snapshot is a whole call
        assert sopfsm.restore(saved).to_dict() == saved


@pytest.mark.parametrize("how", [copy.copy, copy.deepcopy])
def test_a_copy_of_a_call_has_its_own_machine_and_history(
    how: Callable[[sopfsm.Call], sopfsm.Call],
) -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")
    twin = how(call)
    assert twin is not call and twin.to_dict() == call.to_dict()
    assert twin._machine is not call._machine
    twin.answer("meter_reading", "12.345")
    assert call.pending is not None and call.pending.id == "meter_reading"
    assert twin.outcome is not None and len(call.answers) == 1
    call.answer("meter_reading", "1")
    assert call.outcome is not None and call.outcome.data["meter_reading"] == 1.0
    assert twin.outcome.data["meter_reading"] == 12345.0
    _consistent(call)
    _consistent(twin)


def test_a_call_is_saved_as_json_not_pickled() -> None:
    call = sopfsm.start("lebih-tagih")
    with pytest.raises(sopfsm.InvalidArgument, match="to_json"):
        pickle.dumps(call)
