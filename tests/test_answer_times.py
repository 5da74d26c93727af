"""One rule for time in a call: answers are ordered by when they were applied, and a
recorded time is never before the answer it follows, whatever the clock reads."""

from __future__ import annotations

import datetime as dt
import json

import sopfsm

START = dt.datetime(2026, 11, 29, 8, 0, tzinfo=dt.UTC)


def test_a_clock_that_steps_back_records_the_previous_answers_time() -> None:
    readings = iter([START, START - dt.timedelta(seconds=2), START + dt.timedelta(seconds=1)])
    call = sopfsm.start("turun-daya", clock=lambda: next(readings))
    call.answer("target_tariff", "subsidi")
    call.answer("nik", "3171-0101-0190-0001")  # this clock read 2 s earlier
    call.answer("nik_eligible", "ya")
    assert [a.at for a in call.answers] == [START, START, START + dt.timedelta(seconds=1)]
    assert sopfsm.restore(call.to_json()).to_json() == call.to_json()


def test_a_call_saved_by_two_servers_whose_clocks_differ_restores_and_answers_on() -> None:
    ahead = START + dt.timedelta(seconds=3)
    first = sopfsm.start("turun-daya", clock=lambda: ahead).answer("target_tariff", "subsidi")
    second = sopfsm.restore(first.to_json(), clock=lambda: START)  # a clock 3 s behind
    second.answer("nik", "3171-0101-0190-0001")
    assert [a.at for a in second.answers] == [ahead, ahead]
    saved = json.loads(second.to_json())
    assert sopfsm.restore(saved, clock=lambda: START).path == second.path


def test_a_correction_details_and_wrap_up_are_never_before_the_entry_they_follow() -> None:
    readings = iter([START + dt.timedelta(seconds=s) for s in (5, 1, 2, 3, 4)])
    call = sopfsm.start("lebih-tagih", clock=lambda: next(readings))
    call.answer("accepts_explanation", "ya")  # 5 s
    call.correct("accepts_explanation", "ya", reason="dicek ulang")  # the clock reads 1 s
    call.details(name="Budi")  # 2 s
    call.close()  # 3 s
    times = [entry.at for entry in call.entries]
    assert len(times) == 4
    assert times == [START + dt.timedelta(seconds=5)] * len(times)
    assert sopfsm.restore(call.to_json()).to_json() == call.to_json()
