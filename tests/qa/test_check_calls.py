"""``sopfsm simulate`` and ``check-calls`` through the real command line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from sopfsm.cli import main
from sopfsm.qa.verdict import CODES

ROOT = Path(__file__).parents[2]


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def _sopfsm(*args: str) -> list[str]:
    return [sys.executable, "-m", "sopfsm", *args]


def _labels(records: list[dict[str, Any]]) -> dict[str, list[tuple[str, str | None]]]:
    return {
        r["call_id"]: sorted((d["code"], d.get("question")) for d in r.get("_injected", []))
        for r in records
    }


def _found(lines: list[str]) -> tuple[dict[str, list[tuple[str, str | None]]], dict[str, Any]]:
    *calls, last = (json.loads(line) for line in lines)
    found = {
        c["call_id"]: sorted((d["code"], d.get("question")) for d in c["deviations"]) for c in calls
    }
    return found, last["summary"]


def test_a_pipe_of_simulated_calls_finds_every_injected_deviation_and_no_other() -> None:
    pipeline = (
        f"{sys.executable} -m sopfsm simulate --calls 10000 --seed 1 --deviations 0.1"
        f" | tee calls.jsonl | {sys.executable} -m sopfsm check-calls - --format jsonl"
    )
    folder = ROOT / ".pytest_cache" / "qa-pipe"
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        pipeline, shell=True, capture_output=True, text=True, env=_env(), cwd=folder, check=False
    )
    assert done.returncode == 1, done.stderr
    records = [json.loads(line) for line in (folder / "calls.jsonl").read_text().splitlines()]
    found, summary = _found(done.stdout.splitlines())
    assert found == _labels(records)
    assert summary["calls"] == 10000
    assert summary["deviating"] == 1000
    assert set(summary["by_code"]) == set(CODES)


def test_csv_gives_the_same_verdicts_as_json_lines_and_two_jobs_the_same_as_one(
    tmp_path: Path,
) -> None:
    jsonl, csv = tmp_path / "calls.jsonl", tmp_path / "calls.csv"
    for path, fmt in ((jsonl, "jsonl"), (csv, "csv")):
        args = ["simulate", "--calls", "3000", "--seed", "7", "--format", fmt, "--out", str(path)]
        subprocess.run(_sopfsm(*args), check=True, env=_env())
    outputs = {}
    for path in (jsonl, csv):
        for jobs in ("1", "2"):
            done = subprocess.run(
                _sopfsm("check-calls", str(path), "--format", "jsonl", "--jobs", jobs),
                capture_output=True, text=True, env=_env(), check=False,
            )  # fmt: skip
            assert done.returncode == 1, done.stderr
            outputs[path.suffix, jobs] = done.stdout
    assert outputs[".jsonl", "1"] == outputs[".jsonl", "2"]
    assert outputs[".csv", "1"] == outputs[".csv", "2"]
    records = [json.loads(line) for line in jsonl.read_text().splitlines()]
    for suffix in (".jsonl", ".csv"):
        found, _ = _found(outputs[suffix, "1"].splitlines())
        assert found == _labels(records)


def test_malformed_lines_are_reported_counted_and_skipped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {
        "call_id": "A1", "sop": "lebih-tagih", "outcome": "APKT_ISSUE_CLOSED",
        "answers": [{"question": "accepts_explanation", "value": "ya"}],
    }  # fmt: skip
    lines = [
        json.dumps(good),
        "{not json",
        json.dumps([1, 2]),
        json.dumps({**good, "answers": "ya"}),
        "",
        json.dumps({**good, "call_id": "A2"}),
    ]
    path = tmp_path / "calls.jsonl"
    path.write_text("\n".join(lines) + "\n")
    assert main(["check-calls", str(path), str(tmp_path / "missing.jsonl")]) == 0
    out, err = capsys.readouterr()
    assert f"{path}:2: skipped: not JSON" in err
    assert f"{path}:3: skipped: expected a JSON object, not list" in err
    assert f"{path}:4: skipped: 'answers' must be a list" in err
    assert "missing.jsonl: skipped: cannot be read" in err
    assert out.startswith("2 calls checked: 2 conform (100.0%), 0 deviate; 4 lines skipped")


def test_nothing_readable_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "calls.csv"
    path.write_text("id,when\n1,today\n")
    assert main(["check-calls", str(path)]) == 2
    assert "the CSV header lacks call_id, sop, outcome" in capsys.readouterr().err


def test_a_csv_row_of_the_wrong_width_is_skipped_with_its_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        "call_id,agent,at,sop,version,outcome,accepts_explanation\n"
        "1,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya\n"
        "2,CSO-1,2020-05-01,lebih-tagih\n"
        "3,CSO-2,2020-05-02,lebih-tagih,2020-04-10,APKT_TO_UNIT,ya\n"
    )
    assert main(["check-calls", str(path), "--format", "jsonl"]) == 1
    out, err = capsys.readouterr()
    assert f"{path}:3: skipped: 4 fields where the header has 7" in err
    verdicts = [json.loads(line) for line in out.splitlines()]
    assert [v["verdict"] for v in verdicts[:2]] == ["conforms", "deviates"]
    assert verdicts[1]["deviations"] == [
        {
            "code": "wrong_outcome",
            "clause": "5B",
            "expected": "APKT_ISSUE_CLOSED",
            "recorded": "APKT_TO_UNIT",
        }
    ]
    assert verdicts[2]["summary"]["unreadable"] == 1


def test_markdown_and_html_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    calls = tmp_path / "calls.jsonl"
    assert main(["simulate", "--calls", "400", "--seed", "3", "--out", str(calls)]) == 0
    page = tmp_path / "report.html"
    assert main(["check-calls", str(calls), "--markdown", "--html", str(page)]) == 1
    out = capsys.readouterr().out
    assert "| `wrong_outcome` |" in out and "### Worst agents" in out
    text = page.read_text()
    assert text.count("<svg") >= 5 + len(CODES) - 2  # charts, and a flowchart per SOP example
    # Namespaces name URLs; nothing in the page loads one.
    for fetch in ("<link", "<script", "<img", "src=", 'href="http', "url(http", "@import"):
        assert fetch not in text
    counts = Counter(c for c in CODES if f'data-code="{c}"' in text)
    assert set(counts) == set(CODES)
    again = tmp_path / "again.html"
    assert main(["check-calls", str(calls), "--html", str(again)]) == 1
    assert again.read_bytes() == page.read_bytes()


def test_the_progress_bar_shows_on_a_terminal_only(tmp_path: Path) -> None:
    import fcntl
    import pty
    import struct
    import termios

    calls = tmp_path / "calls.jsonl"
    subprocess.run(
        _sopfsm("simulate", "--calls", "50", "--out", str(calls)), check=True, env=_env()
    )
    quiet = subprocess.run(
        _sopfsm("check-calls", str(calls)), capture_output=True, text=True, env=_env(), check=False
    )
    assert quiet.stderr == ""
    leader, follower = pty.openpty()
    # A new pseudo-terminal is 0 columns wide, and tqdm would draw a bar of nothing.
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    with subprocess.Popen(
        _sopfsm("check-calls", str(calls)), stdout=subprocess.DEVNULL, stderr=follower, env=_env()
    ) as process:
        os.close(follower)
        shown = b""
        while True:
            try:
                data = os.read(leader, 4096)
            except OSError:  # the terminal closes when the process ends
                break
            if not data:
                break
            shown += data
        process.wait()
    os.close(leader)
    assert b"check-calls: 100%" in shown
