"""``check-calls --store URL`` checks the calls the call service keeps."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

import sopfsm
from sopfsm.cli import main
from sopfsm.store import CallState, LoggedAnswer, StoredCall, open_store

AT = dt.datetime(2020, 5, 1, 8, 0, tzinfo=dt.UTC)


def _stored(call_id: str, call: sopfsm.Call, outcome: str | None) -> StoredCall:
    log = tuple(LoggedAnswer(r.question, r.value, "CSO-7", r.at, r.by) for r in call.answers)
    state = CallState(call.step.id, call.path, outcome)
    return StoredCall(call_id, call.sop.sop_id, call.sop.version, "CSO-7", AT, AT, state, log)


def test_the_calls_of_a_store_are_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    store = open_store(url)
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "ya")
    store.create(_stored("good", call, "APKT_ISSUE_CLOSED"))
    store.create(_stored("bad", call, "APKT_TO_UNIT"))
    store.close()

    assert main(["check-calls", "--store", url, "--format", "jsonl"]) == 1
    *verdicts, summary = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert [(v["call_id"], v["verdict"], v["agent"]) for v in verdicts] == [
        ("good", "conforms", "CSO-7"),
        ("bad", "deviates", "CSO-7"),
    ]
    assert [d["code"] for d in verdicts[1]["deviations"]] == ["wrong_outcome"]
    assert summary["summary"]["calls"] == 2


def test_a_store_that_cannot_be_opened_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-calls", "--store", "ftp://calls"]) == 2
    assert "unknown store URL" in capsys.readouterr().err


def test_nothing_to_check_is_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-calls"]) == 2
    assert "name a FILE" in capsys.readouterr().err
