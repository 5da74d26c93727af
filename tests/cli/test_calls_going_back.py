"""``sopfsm run`` interactive: going back one question corrects the answer given to it."""

from __future__ import annotations

import io
import sys

import pytest

from sopfsm.cli import main


def _run(monkeypatch: pytest.MonkeyPatch, typed: str, *args: str) -> str:
    monkeypatch.setattr(sys, "stdin", io.StringIO(typed))
    out = io.StringIO()
    monkeypatch.setattr(sys, "stdout", out)
    assert main(["run", "lebih-tagih", *args]) == 0
    return out.getvalue()


def test_going_back_re_asks_the_previous_question_and_the_new_answer_replaces_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _run(monkeypatch, "tidak\n<\nya\n")
    assert "ketik < atau kembali untuk kembali satu pertanyaan" in text
    assert "Ditanyakan ulang: Apakah Pelanggan menerima" in text
    assert text.rstrip().endswith("Hasil: APKT_ISSUE_CLOSED")


def test_going_back_before_the_first_question_says_so_in_english(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = _run(monkeypatch, "back\nno\nkembali\nyes\n", "--lang", "en")
    assert "! this is the first question" in text
    assert "type < or back to go back one question" in text
    assert text.rstrip().endswith("Outcome: APKT_ISSUE_CLOSED")
