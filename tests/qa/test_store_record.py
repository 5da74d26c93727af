"""``check-calls --store URL`` judges a stored call on its effective answers: a correction
in the store's record replaces the answer it corrects, and an abandoned call is told
apart from one left unfinished."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import pytest

import sopfsm
from sopfsm.cli import main
from sopfsm.errors import OutcomeChanged
from sopfsm.service.stored_calls import logged, state_of
from sopfsm.store import StoredCall, open_store


def _stored(call_id: str, call: sopfsm.Call) -> StoredCall:
    at = call.entries[0].at
    log = tuple(logged(call.entries, "CSO-7"))
    return StoredCall(call_id, call.sop.sop_id, call.sop.version, "CSO-7", at, at,
                      state_of(call), log)  # fmt: skip


def test_a_corrected_call_in_the_store_is_judged_on_its_effective_answers(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    store = open_store(url)
    corrected = sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")
    corrected.answer("meter_reading", "12.345")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", OutcomeChanged)
        corrected.correct("accepts_explanation", "ya", reason="salah tekan")
    store.create(_stored("corrected", corrected))
    dropped = sopfsm.start("lebih-tagih")
    dropped.details(name="Ani")
    dropped.abandon("dropped")
    store.create(_stored("dropped", dropped))
    store.close()

    main(["check-calls", "--store", url, "--format", "jsonl"])
    *verdicts, summary = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    by_id = {v["call_id"]: v for v in verdicts}
    # Judged on the effective answer ("ya": the issue closed), not the first one given,
    # which would make APKT_ISSUE_CLOSED a wrong outcome.
    assert by_id["corrected"]["verdict"] == "conforms", by_id["corrected"]
    assert by_id["dropped"]["abandoned"] == "dropped"  # told apart from an unfinished call
    report = summary["summary"]
    assert report["abandoned"] == {"calls": 1, "by_code": {"dropped": 1}}
    assert report["corrections"]["by_question"] == {"accepts_explanation": 1}
