"""The audit passes the front door and every clause SOP, and rejects each deliberately broken
SOP by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from statemachine import State, StateMachine

import sopfsm
from sopfsm.audit import CHECKS, audit, audit_all
from tests.support import broken_sops
from tests.support.reading import QUESTIONS, combinations, expected

# The path counts stated in the documentation (docs/audit.md).
PATH_COUNTS = {
    "triage": 28,
    "niaga-overdue": 4,
    "ps-welding": 3,
    "ps-other": 3,
    "ps-bereavement": 2,
    "unit-request": 1,
    "turun-daya": 5,
    "lebih-tagih": 3,
    "gangguan-persil": 2,
}


@pytest.mark.parametrize("report", audit_all(), ids=lambda r: r.sop_id)
def test_every_bundled_sop_passes_every_check(report: sopfsm.audit.AuditReport) -> None:
    assert [(c.name, c.passed) for c in report.checks] == [(name, True) for name in CHECKS]
    assert report.ok


def test_every_call_ends_within_the_longest_path_of_the_reading() -> None:
    longest = {r.sop_id: r.max_answers for r in audit_all()}
    assert longest == {
        sop_id: max(len(expected(sop_id, a)[0]) for a in combinations(sop_id))
        for sop_id in QUESTIONS
    }
    assert audit(broken_sops.LoopWithNoExit).max_answers is None


def test_starting_a_call_on_a_sop_with_a_misspelled_guard_is_a_definition_error() -> None:
    with pytest.raises(sopfsm.SopDefinitionError) as caught:
        sopfsm.start(sopfsm.spec_of(broken_sops.MisspelledGuard))
    assert "is_urgnet" in str(caught.value)


def test_path_counts_are_those_the_documentation_states() -> None:
    counts = {report.sop_id: report.path_count for report in audit_all()}
    assert counts == PATH_COUNTS
    page = (Path(__file__).parent.parent / "docs" / "audit.md").read_text(encoding="utf-8")
    for sop_id, count in PATH_COUNTS.items():
        assert f"| `{sop_id}` | {count} |" in page


@pytest.mark.parametrize("sop_id", QUESTIONS)
def test_the_path_table_is_the_reading_of_the_document(sop_id: str) -> None:
    """Each listed path, replayed through a call, ends as READING.md says."""
    report = audit(sop_id)
    assert report.paths is not None
    expected_rows = {
        (tuple(expected(sop_id, answers)[0]), expected(sop_id, answers)[1])
        for answers in combinations(sop_id)
    }
    rows = {(tuple(q for q, _ in row.answers), row.outcome) for row in report.paths}
    assert rows == expected_rows
    assert sum(report.outcome_counts.values()) == report.path_count == len(report.paths)
    for row in report.paths:
        assert all(cite for cite in row.cites)
        assert row.steps[0] == sopfsm.get_sop(sop_id).initial.id


@pytest.mark.parametrize(
    ("machine", "check", "words"),
    broken_sops.BROKEN,
    ids=[f"{m.__name__}-{c}" for m, c, _ in broken_sops.BROKEN],
)
def test_each_broken_sop_is_rejected_with_the_right_message(
    machine: type[sopfsm.Sop], check: str, words: str
) -> None:
    report = audit(machine)
    assert not report.ok
    messages = [f.message for f in report.check(check).findings]
    assert any(words in m for m in messages), messages


def test_a_failing_check_gives_the_route_that_reaches_the_fault() -> None:
    finding = audit(broken_sops.DeadEnd).check("termination").findings[0]
    assert finding.route == ("ask_urgent", "urgent=yes", "ask_access")
    skip = audit(broken_sops.MissingMeterReading).check("required-data").findings[0]
    assert skip.route == ("explain", "accepts_explanation=no", "to_unit")
    loop = audit(broken_sops.LoopWithNoExit).check("termination").findings[0]
    assert "ask_again -> ask_once_more -> ask_again" in loop.message


def test_a_machine_not_declared_in_sopfsm_vocabulary_fails_the_declaration_check() -> None:
    class Plain(StateMachine):
        sop_id = "plain"
        start = State(initial=True)
        end = State(final=True)
        go = start.to(end)

    report = audit(Plain)
    assert not report.check("declaration").passed
    assert all(c.skipped for c in report.checks[1:])
    assert "must subclass sopfsm.Sop" in report.check("declaration").findings[0].message


def test_paths_are_counted_but_not_listed_beyond_the_limit() -> None:
    report = audit("turun-daya", max_paths=3)
    assert report.path_count == 5
    assert report.paths is None
    assert report.outcome_counts == {"APKT_TO_UNIT": 2, "APKT_ISSUE_CLOSED": 3}


def _fibonacci(n: int) -> int:
    a, b = 1, 1
    for _ in range(n):
        a, b = b, a + b
    return a


def test_a_synthetic_sop_of_2000_question_states_is_counted_without_listing() -> None:
    from sopfsm.synthetic import synthetic_sop

    report = audit(synthetic_sop(2000))
    assert report.ok
    assert report.paths is None
    # Paths from step i: P(i) = P(i+1) + P(i+2), with one path from each outcome.
    assert report.path_count == _fibonacci(2001)
    assert sum(report.outcome_counts.values()) == report.path_count


def test_the_cli_audit_passes_every_sop_and_prints_their_path_tables(
    capsys: pytest.CaptureFixture[str],
) -> None:
    import json

    from sopfsm.cli import main

    assert main(["audit"]) == 0
    assert "9 SOPs audited; all checks pass" in capsys.readouterr().out
    assert main(["audit", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert {d["sop"]: d["path_count"] for d in data} == PATH_COUNTS
    turun_daya = next(d for d in data if d["sop"] == "turun-daya")
    asks = next(
        p for p in turun_daya["paths"] if p["answers"].get("asks_about_eligibility") == "yes"
    )
    assert any("Dinas Sosial" in s["id"] for s in asks["scripts"])
    assert asks["outcome"] == "APKT_ISSUE_CLOSED"
    assert main(["audit", "--markdown", "lebih-tagih"]) == 0
    assert "| accepts_explanation=no, meter_reading=<valid reading> | `APKT_TO_UNIT` |" in (
        capsys.readouterr().out
    )
