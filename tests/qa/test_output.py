"""Whatever a recorded call holds, QA's output is valid and stays in its place, and the
run finishes with its summary and the exit code the deviations give."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from sopfsm.cli import main
from sopfsm.qa.records import MAX_LINE_BYTES, bounded_lines

ROOT = Path(__file__).parents[2]
GOOD: dict[str, Any] = {
    "call_id": "A1", "sop": "lebih-tagih", "agent": "CSO-1", "at": "2020-05-01",
    "outcome": "APKT_ISSUE_CLOSED",
    "answers": [{"question": "accepts_explanation", "value": "ya"}],
}  # fmt: skip


def _calls(tmp_path: Path, *calls: dict[str, Any]) -> Path:
    path = tmp_path / "calls.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in calls), encoding="utf-8")
    return path


def _strict(text: str) -> Any:
    def refuse(word: str) -> None:
        raise AssertionError(f"{word} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_a_lone_surrogate_in_a_call_id_is_written_as_json_and_the_run_ends_with_its_exit_code(
    tmp_path: Path,
) -> None:
    path = _calls(tmp_path, {**GOOD, "call_id": "\ud800x", "outcome": "APKT_TO_UNIT"}, GOOD)
    done = subprocess.run(
        [sys.executable, "-m", "sopfsm", "check-calls", str(path), "--format", "jsonl"],
        capture_output=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, check=False,
    )  # fmt: skip
    assert done.returncode == 1, done.stderr  # one call deviates: 1, not a crash
    first, _, summary = (_strict(line) for line in done.stdout.decode("utf-8").splitlines())
    assert first["call_id"] == "\ud800x"
    assert summary["summary"]["calls"] == 2


def test_a_lone_surrogate_does_not_stop_the_html_report(tmp_path: Path) -> None:
    odd = {**GOOD, "call_id": "\ud800x", "agent": "\udcff", "outcome": "APKT_TO_UNIT"}
    out = tmp_path / "report.html"
    assert main(["check-calls", str(_calls(tmp_path, odd)), "--html", str(out)]) == 1
    page = out.read_text(encoding="utf-8")
    assert "\\ud800x" in page and "\\udcff" in page


def test_a_nan_recorded_in_a_call_is_written_as_strict_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "calls.jsonl"
    path.write_text(json.dumps(GOOD).replace('"ya"', "NaN") + "\n", encoding="utf-8")
    assert main(["check-calls", str(path), "--format", "jsonl"]) == 1
    verdict, _ = (_strict(line) for line in capsys.readouterr().out.splitlines())
    assert verdict["deviations"][0]["recorded"] == "NaN"


def test_control_characters_in_an_agent_name_are_escaped_in_text_and_markdown(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    agent = "CSO\x1b[31m-1\n| fake | row |\u202e"
    path = _calls(tmp_path, {**GOOD, "agent": agent, "outcome": "APKT_TO_UNIT"})
    assert main(["check-calls", str(path)]) == 1
    text = capsys.readouterr().out
    assert "\x1b" not in text and "\u202e" not in text
    assert "CSO\\x1b[31m-1\\n| fake | row |\\u202e 1/1" in text
    assert main(["check-calls", str(path), "--markdown"]) == 1
    markdown = capsys.readouterr().out
    (row,) = [line for line in markdown.splitlines() if "CSO" in line]
    assert "\x1b" not in markdown
    # Four cells: the name's pipes are escaped, so they split no cell.
    assert row.replace("\\|", "").count("|") == 5


def test_a_date_that_does_not_exist_has_no_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _calls(tmp_path, {**GOOD, "at": "9999-99-99T00:00:00"}, {**GOOD, "at": "2020-02-30"})
    assert main(["check-calls", str(path), "--format", "jsonl"]) == 0
    *_, last = capsys.readouterr().out.splitlines()
    assert list(_strict(last)["summary"]["by_month"]) == ["(no date)"]


def test_a_line_longer_than_the_bound_is_unreadable_and_the_next_line_is_read(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "calls.jsonl"
    with path.open("wb") as written:
        written.write(json.dumps(GOOD).encode() + b"\n")
        written.write(b'{"call_id": "' + b"x" * (MAX_LINE_BYTES + 10) + b'"}\n')
        written.write(json.dumps({**GOOD, "call_id": "A3"}).encode() + b"\n")
    assert main(["check-calls", str(path)]) == 0
    out, err = capsys.readouterr()
    assert f"{path}:2: skipped: longer than" in err
    assert out.startswith("2 calls checked: 2 conform (100.0%), 0 deviate; 1 lines skipped")


def test_a_long_line_is_skipped_in_pieces_never_held_whole() -> None:
    read: list[int] = []

    class Recording(io.BytesIO):
        def readline(self, size: int | None = -1, /) -> bytes:
            line = super().readline(size)
            read.append(len(line))
            return line

    stream = Recording(b"short\n" + b"y" * 1_000_000 + b"\nnext\n")
    found = [(n, line, taken) for n, line, taken in bounded_lines(stream, limit=100)]
    assert found == [(1, b"short\n", 6), (2, None, 1_000_001), (3, b"next\n", 5)]
    assert max(read) <= 1 << 16
