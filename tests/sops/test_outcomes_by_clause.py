"""Every combination of answers in READING.md gives the outcome its clause or decision says,
through the CLI that call software scripts (``sopfsm run --answer ... --json``).
Each case is named by the clause (or decision) it rests on."""

from __future__ import annotations

import json

import pytest

from sopfsm.cli import main
from tests.support.reading import QUESTIONS, combinations, expected


def _case_id(sop_id: str, answers: dict[str, object]) -> str:
    clause = expected(sop_id, answers)[2]
    return f"{clause}:{sop_id}:" + ",".join(f"{k}={v}" for k, v in answers.items())


CASES = [
    pytest.param(sop_id, answers, id=_case_id(sop_id, answers))
    for sop_id in QUESTIONS
    for answers in combinations(sop_id)
]


def _cli_value(value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


@pytest.mark.parametrize(("sop_id", "answers"), CASES)
def test_run_gives_the_outcome_of_the_clause(
    sop_id: str, answers: dict[str, object], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", sop_id, "--json"]
    for question, value in reversed(list(answers.items())):  # any order is accepted
        argv += ["--answer", f"{question}={_cli_value(value)}"]
    code = main(argv)
    result = json.loads(capsys.readouterr().out)
    asked, outcome, _ = expected(sop_id, answers)
    assert code == 0
    assert result["outcome"]["code"] == outcome
    assert result["pending"] is None
    assert tuple(result["answers"]) == asked
    assert result["answers"] == {q: answers[q] for q in asked}
    assert result["outcome"]["data"] == result["answers"]
    assert (result["sop"], result["version"]) == (sop_id, "2020-04-10")


def test_the_cases_cover_every_clause_and_decision_with_an_outcome() -> None:
    clauses = {
        expected(sop_id, answers)[2] for sop_id in QUESTIONS for answers in combinations(sop_id)
    }
    assert clauses == {
        "1e", "1f", "2", "decision-2-not-urgent", "decision-2-other-not-urgent", "3", "4",
        "5A.1", "5A.2a", "5A.2b", "decision-5A.2-no-nik", "5B-accepts", "5B-objects",
        "decision-5B-not-known", "5C", "scope-niaga", "scope-niaga-channel",
        "scope-lebih_tagih", "scope-gangguan_persil", "decision-outside-update",
    }  # fmt: skip
