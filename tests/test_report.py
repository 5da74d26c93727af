"""A call's APKT report: made for every APKT outcome and no other, the same document for
the same call, and valid against the schema that ships in the package and the docs."""

from __future__ import annotations

import copy
import datetime as dt
import functools
import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import sopfsm
from sopfsm.audit import audit
from sopfsm.call import Call
from sopfsm.compiled import CompiledCall, compile_sop
from sopfsm.declare import OUTCOME_MEANINGS
from sopfsm.errors import OutcomeChanged
from sopfsm.report import REPORTING_OUTCOMES, report_change, report_id, report_of
from sopfsm.views import sample_of

ROOT = Path(__file__).resolve().parents[1]
STARTED = dt.datetime(2026, 5, 4, 9, 30, tzinfo=dt.UTC)
SOP_IDS = [sop.sop_id for sop in sopfsm.all_sops()]
DETAILS = {
    "idpel": "512345678901",
    "meter": "45012345678",
    "name": "Siti Aminah",
    "phone": "0812-3456-7890",
    "address": "Jl. Merdeka 1, Jayapura",
}


@functools.cache
def validator() -> jsonschema.Draft202012Validator:
    text = resources.files("sopfsm.formats").joinpath("schemas/apkt-report.schema.json")
    schema = json.loads(text.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def sent(document: dict[str, Any], revision: int = 1) -> dict[str, Any]:
    """The document as the deliverer sends it: with its revision, through JSON."""
    loaded: dict[str, Any] = json.loads(json.dumps({**document, "revision": revision}))
    return loaded


def errors_of(document: dict[str, Any]) -> list[str]:
    return [error.message for error in validator().iter_errors(document)]


def clock() -> dt.datetime:
    return STARTED + dt.timedelta(seconds=40)


def walked(sop_id: str, answers: tuple[tuple[str, str], ...]) -> Call:
    sop = sopfsm.get_sop(sop_id)
    call = sopfsm.start(sop, clock=clock)
    for question_id, label in answers:
        question = sop.question(question_id)
        assert question is not None
        call.answer(question_id, sample_of(question.kind, label))
    return call


@pytest.mark.parametrize("sop_id", SOP_IDS)
def test_every_audit_path_makes_a_valid_report_exactly_when_it_ends_in_apkt(
    sop_id: str,
) -> None:
    paths = audit(sop_id, max_paths=100_000).paths
    assert paths, f"{sop_id}: the audit lists no path"
    made = 0
    for row in paths:
        call = walked(sop_id, row.answers)
        call.details(**DETAILS)
        report = report_of(call, call_id="c-1", agent="ana", started=STARTED)
        if row.outcome not in REPORTING_OUTCOMES:
            assert report is None, (sop_id, row.answers)
            continue
        made += 1
        assert report is not None, (sop_id, row.answers)
        assert errors_of(sent(report)) == [], (sop_id, row.answers)
        assert report["outcome"]["code"] == row.outcome
        assert report["outcome"]["meaning"] == OUTCOME_MEANINGS[row.outcome].as_json()
        assert report["report_id"] == report_id("c-1")
        assert [a["question"] for a in report["answers"]] == [q for q, _ in row.answers]
        # Every answer names the clause (or assumption) of the step that asked it.
        assert all(a["clause"] for a in report["answers"]), (sop_id, row.answers)
        assert report["customer"]["idpel"] == DETAILS["idpel"]
        assert report["customer"]["phone"] == "+6281234567890"
        assert report["started"] == {
            "utc": "2026-05-04T09:30:00+00:00",
            "wit": "2026-05-04T18:30:00+09:00",
        }


def test_the_hand_off_and_an_abandoned_call_make_no_report() -> None:
    handed_off = walked("triage", (("matter", "niaga"), ("registered_online", "no")))
    assert handed_off.outcome is not None
    assert handed_off.outcome.code not in REPORTING_OUTCOMES
    assert report_of(handed_off, call_id="c-1", agent="ana", started=STARTED) is None
    dropped = sopfsm.start("lebih-tagih", clock=clock)
    dropped.abandon("dropped")
    assert report_of(dropped, call_id="c-2", agent="ana", started=STARTED) is None


def test_an_open_call_makes_no_report_until_its_outcome() -> None:
    call = sopfsm.start("lebih-tagih", clock=clock)
    assert report_of(call, call_id="c-1", agent="ana", started=STARTED) is None


def test_the_same_call_makes_the_same_report_and_closing_it_changes_nothing() -> None:
    paths = audit("lebih-tagih").paths
    assert paths is not None
    row = next(r for r in paths if r.outcome in REPORTING_OUTCOMES)
    first, second = walked("lebih-tagih", row.answers), walked("lebih-tagih", row.answers)
    made = [report_of(c, call_id="c-1", agent="ana", started=STARTED) for c in (first, second)]
    assert made[0] is not None and made[0] == made[1]
    first.close()
    assert report_of(first, call_id="c-1", agent="ana", started=STARTED) == made[0]


def test_the_compiled_walk_makes_the_report_the_machine_makes() -> None:
    for sop_id in SOP_IDS:
        sop = sopfsm.get_sop(sop_id)
        paths = audit(sop, max_paths=100_000).paths
        assert paths is not None
        table = compile_sop(sop)
        for row in paths:
            machine = walked(sop_id, row.answers)
            walk = CompiledCall(table)
            for question_id, label in row.answers:
                question = sop.question(question_id)
                assert question is not None
                walk.answer(question_id, sample_of(question.kind, label), clock())
            assert report_of(walk, call_id="c", agent="a", started=STARTED) == report_of(
                machine, call_id="c", agent="a", started=STARTED
            )


def test_a_correction_that_takes_the_outcome_away_makes_a_valid_withdrawal() -> None:
    call = walked("lebih-tagih", (("accepts_explanation", "yes"),))
    before = report_of(call, call_id="c-1", agent="ana", started=STARTED)
    assert before is not None
    # The customer did not accept after all: the call asks for the meter reading again.
    with pytest.warns(OutcomeChanged):
        call.correct("accepts_explanation", False, reason="salah dengar")
    assert call.status == "open"
    assert report_of(call, call_id="c-1", agent="ana", started=STARTED) is None
    change = report_change(before, None, call, call_id="c-1", agent="ana", at=clock())
    assert change is not None and change["kind"] == "withdrawal"
    assert change["report_id"] == before["report_id"]
    assert errors_of(sent(change, 2)) == []


def test_a_correction_that_changes_the_outcome_makes_a_new_report() -> None:
    call = walked(
        "lebih-tagih", (("accepts_explanation", "no"), ("meter_reading", "<valid reading>"))
    )
    before = report_of(call, call_id="c-1", agent="ana", started=STARTED)
    with pytest.warns(OutcomeChanged):
        call.correct("accepts_explanation", True, reason="salah dengar")
    after = report_of(call, call_id="c-1", agent="ana", started=STARTED)
    assert before is not None and after is not None
    assert (before["outcome"]["code"], after["outcome"]["code"]) == (
        "APKT_TO_UNIT",
        "APKT_ISSUE_CLOSED",
    )
    assert report_change(before, after, call, call_id="c-1", agent="ana", at=clock()) == after


def test_a_change_that_leaves_the_report_as_it_was_makes_no_revision() -> None:
    call = walked("triage", (("matter", "niaga"), ("registered_online", "no")))
    assert report_change(None, None, call, call_id="c", agent="a", at=clock()) is None


@pytest.mark.parametrize(
    ("breaking", "why"),
    [
        (lambda d: d["outcome"].__setitem__("code", "REGULAR_SOP"), "REGULAR_SOP"),
        (lambda d: d["started"].__setitem__("wit", "2026-05-04T09:30:00+00:00"), "+09:00"),
        (lambda d: d.pop("revision"), "revision"),
        (lambda d: d.__setitem__("extra", 1), "extra"),
        (lambda d: d.__setitem__("report_id", "c-1"), "apkt-"),
        (lambda d: d["customer"].__setitem__("nik", "3171"), "nik"),
    ],
)
def test_the_schema_refuses_a_broken_report(breaking: Any, why: str) -> None:
    paths = audit("lebih-tagih").paths
    assert paths is not None
    row = next(r for r in paths if r.outcome in REPORTING_OUTCOMES)
    report = report_of(walked("lebih-tagih", row.answers), call_id="c-1", agent="a",
                       started=STARTED)  # fmt: skip
    assert report is not None
    broken = copy.deepcopy(sent(report))
    assert errors_of(broken) == []
    breaking(broken)
    assert errors_of(broken) != [], why


def test_the_documentation_ships_the_schema_the_package_ships() -> None:
    shipped = ROOT / "sopfsm" / "formats" / "schemas" / "apkt-report.schema.json"
    assert (ROOT / "docs" / "apkt-report.schema.json").read_bytes() == shipped.read_bytes()
