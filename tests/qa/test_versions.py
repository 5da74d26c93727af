"""check-calls judges a recorded call against the SOP version it names or, naming none,
the version in force at its time; ``unknown_version`` only when no version fits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import sopfsm
from sopfsm.catalogue import add_versions, clear_added_versions
from sopfsm.cli import main
from sopfsm.formats.yaml import read_yaml
from sopfsm.qa.read import RecordedCall
from sopfsm.qa.verdict import judge

ROOT = Path(__file__).parent.parent.parent
UPDATE_FILE = ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml"
# The illustrative update takes effect at 08:00 WITA (00:00 UTC) on 1 December 2026; an
# accepted explanation ends in APKT_ISSUE_CLOSED before it and in APKT_TO_UNIT after.
EFFECTIVE = "effective: 2026-12-01T08:00 WITA\n"
BEFORE = "2026-11-30T23:59:59Z"
AFTER = "2026-12-01T00:00:00Z"


def _update_text() -> str:
    text = UPDATE_FILE.read_text("utf-8")
    return text.replace("version: '2026-12-01'\n", "version: '2026-12-01'\n" + EFFECTIVE)


@pytest.fixture(autouse=True)
def _bundled_only() -> Iterator[None]:
    clear_added_versions()
    yield
    clear_added_versions()


def _call(at: str | None, outcome: str, version: str | None = None) -> RecordedCall:
    return RecordedCall(
        file="calls.jsonl", line=1, call_id="C1", sop="lebih-tagih", version=version,
        agent="CSO-1", at=at, answers=(("accepts_explanation", "ya"),), outcome=outcome, data={},
    )  # fmt: skip


def _codes(call: RecordedCall) -> list[str]:
    return [d.code for d in judge(call).deviations]


def test_a_call_naming_no_version_is_judged_by_the_version_in_force_at_its_time() -> None:
    add_versions([(read_yaml(_update_text(), "update.yaml"), "update.yaml")])
    assert _codes(_call(BEFORE, "APKT_ISSUE_CLOSED")) == []  # the second before: the old one
    assert _codes(_call(AFTER, "APKT_TO_UNIT")) == []
    assert _codes(_call(AFTER, "APKT_ISSUE_CLOSED")) == ["outcome_not_allowed"]


def test_a_call_naming_its_version_is_judged_by_it_whenever_it_ended() -> None:
    add_versions([(read_yaml(_update_text(), "update.yaml"), "update.yaml")])
    assert _codes(_call(AFTER, "APKT_ISSUE_CLOSED", version="2020-04-10")) == []
    assert _codes(_call(BEFORE, "APKT_TO_UNIT", version="2026-12-01")) == []


def test_unknown_version_only_when_no_version_fits() -> None:
    (named,) = judge(_call(AFTER, "APKT_ISSUE_CLOSED", version="2021-01-01")).deviations
    assert (named.code, named.expected, named.recorded) == (
        "unknown_version",
        "2020-04-10",
        "2021-01-01",
    )
    (early,) = judge(_call("2020-04-09T14:59:59Z", "APKT_ISSUE_CLOSED")).deviations
    assert early.code == "unknown_version" and early.reason is not None
    assert "no version was in force at 2020-04-09T14:59:59+00:00" in early.reason.en
    assert _codes(_call("2020-04-09T15:00:00Z", "APKT_ISSUE_CLOSED")) == []  # 00:00 WIT


def test_check_calls_with_a_sop_folder_judges_each_call_by_its_own_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sops"
    folder.mkdir()
    (folder / "lebih-tagih-2026-12-01.yaml").write_text(_update_text(), encoding="utf-8")
    # A guided call started the second before the update, saved, then a recorded one after.
    started = sopfsm.start("lebih-tagih")
    started.answer("accepts_explanation", "ya")
    saved: dict[str, Any] = json.loads(started.to_json())
    records = [
        {"call_id": "before", "sop": "lebih-tagih", "at": BEFORE, "outcome": "APKT_ISSUE_CLOSED",
         "answers": [{"question": "accepts_explanation", "value": "ya"}]},
        {"call_id": "after", "sop": "lebih-tagih", "at": AFTER, "outcome": "APKT_TO_UNIT",
         "answers": [{"question": "accepts_explanation", "value": "ya"}]},
        {"call_id": "stale", "sop": "lebih-tagih", "at": AFTER, "outcome": "APKT_ISSUE_CLOSED",
         "answers": [{"question": "accepts_explanation", "value": "ya"}]},
        saved,
    ]  # fmt: skip
    calls = tmp_path / "calls.jsonl"
    calls.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    for jobs in ("1", "2"):  # a worker process reads the folder's files again
        command = ["--sops", str(folder), "check-calls", str(calls), "--format", "jsonl"]
        code = main([*command, "--jobs", jobs])
        *judged, _ = (json.loads(line) for line in capsys.readouterr().out.splitlines())
        found = [[d["code"] for d in c["deviations"]] for c in judged]
        assert code == 1
        # before, after, stale, and the saved call, which names 2020-04-10: judged by it
        assert found == [[], [], ["outcome_not_allowed"], []], jobs
