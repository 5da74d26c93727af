"""The ``sopfsm`` command as call software and CSOs use it: exit codes, JSON, languages,
one-line errors, and the interactive call that re-asks on a bad answer."""

from __future__ import annotations

import io
import json
import sys
from typing import Any

import pytest

from sopfsm.cli import main


def _json(capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    data = json.loads(capsys.readouterr().out)
    assert isinstance(data, dict)
    return data


def test_list_names_the_front_door_and_every_clause_sop(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [s["id"] for s in listed] == [
        "triage", "niaga-overdue", "ps-welding", "ps-other", "ps-bereavement", "unit-request",
        "turun-daya", "lebih-tagih", "gangguan-persil",
    ]  # fmt: skip
    assert [s["clause"] for s in listed] == ["1–5C", "1", "2", "2", "3", "4", "5A", "5B", "5C"]


def test_show_tells_steps_questions_outcomes_and_clauses(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["show", "turun-daya", "--lang", "en"]) == 0
    text = capsys.readouterr().out
    for expected in ("ask target_tariff", "5A.2b", "APKT_TO_UNIT, carries nik", "A:nik-check"):
        assert expected in text
    assert main(["show", "turun-daya", "--json"]) == 0
    data = _json(capsys)
    assert {s["id"] for s in data["steps"]} >= {"ask_nik", "recipient_to_unit"}


def test_run_needing_an_answer_exits_3_and_names_it(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["run", "niaga-overdue", "--answer", "urgent=ya", "--json"]) == 3
    data = _json(capsys)
    assert data["pending"] == "access_restricted"
    assert data["outcome"] is None
    assert data["path"] == ["ask_urgent", "ask_access_urgent"]


def test_run_json_scripts_follow_the_language(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "lebih-tagih", "--answer", "accepts_explanation=ya", "--json"]
    assert main([*argv, "--lang", "en"]) == 0
    english = _json(capsys)
    assert main(argv) == 0
    indonesian = _json(capsys)
    assert "3 months" in english["scripts"][0]["text"]
    assert "3 bulan" in indonesian["scripts"][0]["text"]
    assert english["outcome"] == {
        "code": "APKT_ISSUE_CLOSED", "step": "closed", "data": {"accepts_explanation": True},
    }  # fmt: skip


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["run", "turun-tegangan"], "turun-daya"),
        (["show", "nope"], "unknown SOP"),
        (["run", "lebih-tagih", "--answer", "meter=1"], "no question 'meter'"),
        (["run", "lebih-tagih", "--answer", "accepts_explanation=maybe"], "Accepted"),
        (["run", "lebih-tagih", "--answer", "accepts_explanation"], "QUESTION=VALUE"),
        (["run", "lebih-tagih", "--answer", "accepts_explanation=ya", "--answer",
          "accepts_explanation=no"], "answered twice"),
        (["run", "lebih-tagih", "--answer", "accepts_explanation=ya", "--answer",
          "meter_reading=5"], "never asks 'meter_reading'"),
    ],
)  # fmt: skip
def test_bad_input_exits_2_with_one_line_on_stderr(
    argv: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*argv, "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert needle in captured.err
    assert captured.err.count("\n") == 1 and captured.err.startswith("sopfsm: error: ")


def test_interactive_run_re_asks_on_a_bad_answer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("mungkin\ntidak\n12.345,5\n"))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["run", "lebih-tagih"]) == 0
    text = out.getvalue()
    assert text.count("Tanyakan: Apakah Pelanggan menerima") == 2
    assert "! jawaban 'mungkin'" in text
    assert text.rstrip().endswith("Hasil: APKT_TO_UNIT")


def test_interactive_run_in_english_stops_with_3_when_input_ends(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("yes\n"))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["run", "ps-welding", "--lang", "en"]) == 3
    assert "Ask: Which PS scheme" in out.getvalue()
    assert "make sure that access to your location" in out.getvalue()
