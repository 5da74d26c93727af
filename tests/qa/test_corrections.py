"""QA of corrected and abandoned calls: judged on effective answers, counted apart."""

from __future__ import annotations

import json
import subprocess
import sys
import warnings
from collections import Counter
from pathlib import Path

import sopfsm
from sopfsm.errors import OutcomeChanged
from sopfsm.qa.read import parse_json_line
from sopfsm.qa.simulate import CORRECTED, INJECTED, simulate
from sopfsm.qa.summary import Summary
from sopfsm.qa.verdict import judge

ROOT = Path(__file__).parents[2]


def _line(call: sopfsm.Call) -> str:
    return call.to_json()


def test_a_corrected_call_is_judged_on_its_effective_answers() -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")
    call.answer("meter_reading", "1")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeChanged)
        call.correct("accepts_explanation", "ya", reason="salah tekan")
    verdict = judge(parse_json_line("calls.jsonl", 1, _line(call)))
    # The retracted stand APP is no extra answer, and the new outcome is the right one.
    assert verdict.conforms and verdict.expected == "APKT_ISSUE_CLOSED"
    assert verdict.to_dict()["corrections"] == ["accepts_explanation"]


def test_an_abandoned_call_is_reported_apart_from_unfinished_ones() -> None:
    abandoned = sopfsm.start("lebih-tagih")
    abandoned.abandon("hung_up")
    unfinished = sopfsm.start("lebih-tagih")
    summary = Summary()
    for number, call in enumerate((abandoned, unfinished), 1):
        summary.add(judge(parse_json_line("calls.jsonl", number, _line(call))))
    shown = summary.to_dict()
    assert shown["abandoned"] == {"calls": 1, "by_code": {"hung_up": 1}}
    assert shown["by_code"] == {"unfinished": 1}
    recorded = {"call_id": "C1", "sop": "lebih-tagih", "answers": [], "abandoned": "dropped"}
    verdict = judge(parse_json_line("calls.jsonl", 3, json.dumps(recorded)))
    assert verdict.conforms and verdict.to_dict()["abandoned"] == "dropped"


def test_corrections_are_counted_per_agent_and_per_question() -> None:
    records = [
        {"call_id": "C1", "sop": "lebih-tagih", "agent": "CSO-1", "outcome": "APKT_ISSUE_CLOSED",
         "answers": [{"question": "accepts_explanation", "value": "ya"}],
         "corrections": [{"question": "accepts_explanation"}]},
        {"call_id": "C2", "sop": "lebih-tagih", "agent": "CSO-2", "outcome": "APKT_ISSUE_CLOSED",
         "answers": [{"question": "accepts_explanation", "value": "ya"}],
         "corrections": [{"question": "accepts_explanation"}] * 2},
    ]  # fmt: skip
    first, second = Summary(), Summary()
    first.add(judge(parse_json_line("calls.jsonl", 1, json.dumps(records[0]))))
    second.add(judge(parse_json_line("calls.jsonl", 2, json.dumps(records[1]))))
    first.merge(second)  # as the workers' summaries are merged
    corrections = first.to_dict()["corrections"]
    assert corrections == {
        "calls": 2,
        "total": 3,
        "by_agent": {"CSO-1": 1, "CSO-2": 2},
        "by_question": {"accepts_explanation": 3},
    }


def test_simulated_corrections_are_labelled_and_no_deviation() -> None:
    records = list(simulate(calls=400, seed=5, deviations=0.0, corrections=0.25))
    labelled = [r for r in records if INJECTED in r]
    # A call whose every answer has one accepted class has nothing to correct to.
    assert 95 <= len(labelled) <= 100
    assert all(label["code"] == CORRECTED for r in labelled for label in r[INJECTED])
    # Without corrections a seed gives the same calls as before corrections existed.
    plain = list(simulate(calls=50, seed=5, deviations=0.1))
    assert plain == list(simulate(calls=50, seed=5, deviations=0.1, corrections=0.0))


def test_check_calls_counts_the_corrections_simulate_injects(tmp_path: Path) -> None:
    calls = tmp_path / "calls.jsonl"
    env = {"PYTHONPATH": str(ROOT), "PATH": ""}
    subprocess.run(
        [sys.executable, "-m", "sopfsm", "simulate", "--calls", "500", "--seed", "2",
         "--deviations", "0.1", "--corrections", "0.2", "--out", str(calls)],
        check=True, env=env,
    )  # fmt: skip
    done = subprocess.run(
        [sys.executable, "-m", "sopfsm", "check-calls", str(calls), "--format", "jsonl"],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr
    records = [json.loads(line) for line in calls.read_text().splitlines()]
    injected = Counter(
        label["question"]
        for r in records
        for label in r.get(INJECTED, [])
        if label["code"] == CORRECTED
    )
    summary = json.loads(done.stdout.splitlines()[-1])["summary"]
    assert summary["corrections"]["by_question"] == dict(sorted(injected.items()))
    assert summary["corrections"]["calls"] == sum(injected.values())
    assert summary["deviating"] == 50  # a correction is no deviation
