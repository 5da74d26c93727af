"""The front door: a call starts from the customer's matter, confirms the clause's scope,
and continues into the clause's SOP in the same call; out of scope it hands off, and a SOP
started by its id is exactly what it was."""

from __future__ import annotations

import json
from typing import Any

import pytest

import sopfsm
from sopfsm.answers import Choice
from sopfsm.audit import audit, audit_all
from sopfsm.cli import main
from sopfsm.compose import SEPARATOR, namespace, part_of
from sopfsm.declare import REGULAR_SOP
from sopfsm.questions import MATTER
from tests.support.reading import QUESTIONS, combinations, expected

TRIAGE = sopfsm.get_sop("triage")
CLAUSE_SOPS = [s for s in sopfsm.sop_ids() if s != "triage"]
# python-statemachine swallows these as keyword arguments of send().
SWALLOWED = {"event", "machine", "model", "transition", "state", "source", "target", "event_data"}

# What the front door asks before each clause's SOP: the matter, then its scope.
DOOR = {
    "niaga-overdue": {"matter": "niaga", "registered_online": "ya", "tmp_passed": "ya"},
    "ps-welding": {"matter": "ps", "ps_purpose": "pengelasan"},
    "ps-other": {"matter": "ps", "ps_purpose": "lain"},
    "ps-bereavement": {"matter": "ps", "ps_purpose": "kedukaan"},
    "unit-request": {"matter": "unit_request"},
    "turun-daya": {"matter": "turun_daya"},
    "lebih-tagih": {"matter": "lebih_tagih", "objects_to_paying": "ya"},
    "gangguan-persil": {"matter": "gangguan", "needs_officer": "ya"},
}
OUT_OF_SCOPE = {
    "regular_sop_outside_update": {"matter": "di luar"},
    "regular_sop_other_channel": {"matter": "niaga", "registered_online": "tidak"},
    "regular_sop_tmp_not_passed": {"matter": "niaga", "registered_online": "ya", "tmp_passed": "t"},
    "regular_sop_no_objection": {"matter": "lebih tagih", "objects_to_paying": "tidak"},
    "regular_sop_no_officer": {"matter": "gangguan_persil", "needs_officer": "t"},
}


OUT_OF_SCOPE_DECISION = {
    "regular_sop_outside_update": "scope-outside-update",
    "regular_sop_other_channel": "scope-niaga-channel",
    "regular_sop_tmp_not_passed": "scope-niaga-tmp",
    "regular_sop_no_objection": "scope-lebih-tagih",
    "regular_sop_no_officer": "scope-gangguan-persil",
}


def _cli(value: object) -> str:
    if isinstance(value, bool):
        return "ya" if value else "tidak"
    return str(value)


def _run(capsys: pytest.CaptureFixture[str], *argv: str, **answers: object) -> tuple[int, Any]:
    args = ["run", *argv, "--json"]
    for question, value in answers.items():
        args += ["--answer", f"{question}={_cli(value)}"]
    code = main(args)
    return code, json.loads(capsys.readouterr().out)


def test_a_call_started_with_no_sop_asks_the_customers_matter() -> None:
    call = sopfsm.start()
    assert call.sop.sop_id == "triage"
    assert call.pending is not None and call.pending.id == "matter"
    assert "Turun Daya" in call.pending.accepted.id and "Lebih Tagih" in call.pending.accepted.id


def test_every_sop_of_the_catalogue_is_reachable_from_the_front_door() -> None:
    assert set(DOOR) == set(CLAUSE_SOPS)
    reached = {part_of(s.id) for s in TRIAGE.steps} - {None}
    assert reached == {namespace(s) for s in CLAUSE_SOPS}


@pytest.mark.parametrize("sop_id", CLAUSE_SOPS)
def test_run_with_no_sop_continues_into_each_sop_as_if_started_by_its_id(
    sop_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same steps, the same texts and the same outcome, after the front door's own."""
    for answers in combinations(sop_id):
        code, direct = _run(capsys, sop_id, **answers)
        code_door, door = _run(capsys, **DOOR[sop_id], **answers)
        assert code == code_door == 0
        assert door["sop"] == "triage" and door["continued_into"] == sop_id
        assert direct["continued_into"] is None
        inside = [s for s in door["path"] if part_of(s) is not None]
        assert inside == [f"{namespace(sop_id)}{SEPARATOR}{s}" for s in direct["path"]]
        assert door["outcome"]["code"] == direct["outcome"]["code"]
        assert (
            door["outcome"]["step"] == f"{namespace(sop_id)}{SEPARATOR}{direct['outcome']['step']}"
        )
        door_scripts = [
            {**s, "step": s["step"].split(SEPARATOR)[-1]}
            for s in door["scripts"]
            if part_of(s["step"])
        ]
        assert door_scripts == direct["scripts"]
        front = [s for s in door["path"] if part_of(s) is None]
        assert len(front) == len(DOOR[sop_id])  # the matter and the scope, nothing more


@pytest.mark.parametrize("step", OUT_OF_SCOPE)
def test_out_of_scope_ends_in_the_named_hand_off_with_exit_0(
    step: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, data = _run(capsys, **OUT_OF_SCOPE[step])
    assert code == 0
    assert data["outcome"]["code"] == REGULAR_SOP and data["outcome"]["step"] == step
    assert data["continued_into"] is None
    assert REGULAR_SOP not in sopfsm.OUTCOME_CODES  # never an APKT outcome
    # The clause's own steps do not apply, and clause 4 still does (READING.md, round 3).
    assert [(s["kind"], s["per"]) for s in data["scripts"]] == [
        ("note", f"A:{OUT_OF_SCOPE_DECISION[step]}"),
        ("note", "4"),
    ]
    handoff, clause_4 = (s["text"] for s in data["scripts"])
    assert "tidak berlaku" in handoff and "SOP reguler" in handoff
    assert "Pembaruan 10 April 2020 tidak berlaku" not in handoff  # not the whole update
    assert clause_4.startswith("Klausul 4 tetap berlaku: Pelanggan tidak diarahkan ke Unit.")


def test_the_hand_off_is_only_at_the_front_door() -> None:
    for report in audit_all():
        assert (REGULAR_SOP in report.outcome_counts) is (report.sop_id == "triage")
    assert audit("triage").outcome_counts[REGULAR_SOP] == len(OUT_OF_SCOPE)


def test_clause_1_out_of_scope_no_longer_closes_a_request_within_its_tmp() -> None:
    call = sopfsm.start().answer("matter", "niaga").answer("registered_online", "ya")
    call.answer("tmp_passed", "tidak")
    assert call.outcome is not None and call.outcome.code == REGULAR_SOP
    assert "ask_urgent" not in " ".join(call.path)


def test_the_channel_and_the_tmp_are_two_questions_the_channel_first() -> None:
    call = sopfsm.start().answer("matter", "niaga")
    assert call.pending is not None and call.pending.id == "registered_online"
    assert "TMP" not in call.pending.prompt.id and "TMP" not in call.pending.prompt.en
    assert "CC PLN 123" in call.pending.prompt.id
    call.answer("registered_online", "ya")
    assert call.pending is not None and call.pending.id == "tmp_passed"
    assert "didaftarkan" not in call.pending.prompt.id and "PLN 123" not in call.pending.prompt.en
    # A request registered at a unit office: not clause 1, and said so, whatever its TMP.
    office = sopfsm.start().answer("matter", "niaga").answer("registered_online", "tidak")
    assert office.outcome is not None and office.outcome.code == REGULAR_SOP
    assert office.outcome.step == "regular_sop_other_channel"
    assert "selain via Web/mandiri atau CC PLN 123" in office.scripts[-2].text.id


@pytest.mark.parametrize("word", ["lain", "other", "lainnya"])
def test_other_alone_names_no_matter(word: str) -> None:
    with pytest.raises(sopfsm.InvalidAnswer) as refused:
        sopfsm.start().answer("matter", word)
    assert "Di luar pembaruan ini" in refused.value.accepted.id


def test_a_matter_outside_the_update_hands_off_with_the_clause_4_reminder() -> None:
    call = sopfsm.start().answer("matter", "outside_update")
    assert call.outcome is not None and call.outcome.code == REGULAR_SOP
    assert [s.per.label for s in call.scripts] == ["A:scope-outside-update", "4"]
    assert "clause 4 still applies" in call.scripts[-1].text.en.casefold()


def test_a_bereavement_ps_is_never_asked_its_urgency_at_the_front_door() -> None:
    call = sopfsm.start().answer("matter", "ps").answer("ps_purpose", "kedukaan")
    assert call.pending is not None and call.pending.id == "region_scheme"
    notes = [s.text.en for s in call.scripts if s.kind == "note"]
    assert any("always urgent" in n for n in notes)


def test_a_ps_of_another_purpose_needed_right_away_is_processed_under_the_regions_scheme() -> None:
    call = sopfsm.start().answer("matter", "ps").answer("ps_purpose", "other")
    call.answer("urgent", "ya")
    assert any("penutupan akses" in s.text.id for s in call.scripts)  # clause 2's warning
    assert call.answer("region_scheme", "2").outcome.code == "PS_SCHEME_2"  # type: ignore[union-attr]
    later = sopfsm.start().answer("matter", "ps").answer("ps_purpose", "other")
    assert later.answer("urgent", "tidak").outcome.code == "APKT_ISSUE_CLOSED"  # type: ignore[union-attr]


def test_clause_4s_catch_all_sends_the_request_and_tells_the_customer_not_to_go() -> None:
    call = sopfsm.start().answer("matter", "unit_request")
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
    assert isinstance(MATTER.kind, Choice)
    choice = next(o for o in MATTER.kind.options if o.value == "unit_request")
    assert choice.label.id == "Permohonan lain yang sebelumnya mengarahkan Pelanggan ke Unit"
    kinds = {s.kind.value: s.text for s in call.said}
    assert "Unit PLN terkait melalui APKT" in kinds["done"].id
    assert "tidak perlu datang ke Unit" in kinds["said"].id
    assert "no need to go to the unit" in kinds["said"].en


def test_a_front_door_call_saves_and_restores_midway() -> None:
    call = sopfsm.start().answer("matter", "turun_daya").answer("target_tariff", "subsidi")
    resumed = sopfsm.restore(call.to_json())
    assert resumed.path == call.path
    resumed.answer("nik", "3171010101900001").answer("nik_eligible", "ya")
    assert resumed.outcome is not None and resumed.outcome.code == "APKT_TO_UNIT"
    assert resumed.outcome.data["nik"] == "3171010101900001"


def test_every_step_and_question_id_is_a_usable_name_that_send_does_not_swallow() -> None:
    for sop in sopfsm.all_sops():
        for step in sop.steps:
            assert step.id.isidentifier() and step.id not in SWALLOWED
        for question in sop.questions:
            assert question.id.isidentifier() and question.id not in SWALLOWED


def test_the_scope_of_each_sop_is_shown_with_it(capsys: pytest.CaptureFixture[str]) -> None:
    for sop_id in ("niaga-overdue", "lebih-tagih", "gangguan-persil"):
        sop = sopfsm.get_sop(sop_id)
        assert sop.scope is not None
        assert main(["show", sop_id]) == 0
        assert f"Berlaku untuk: {sop.scope.id}" in capsys.readouterr().out
        assert main(["show", sop_id, "--json", "--lang", "en"]) == 0
        assert json.loads(capsys.readouterr().out)["scope"] == sop.scope.en
    assert "TMP" in str(sopfsm.get_sop("niaga-overdue").scope)
    assert "petugas" in sopfsm.get_sop("gangguan-persil").scope.id  # type: ignore[union-attr]


def test_the_reading_covers_the_front_door_as_a_whole() -> None:
    rows = audit("triage").paths
    assert rows is not None
    expected_rows = {
        (tuple(expected("triage", a)[0]), expected("triage", a)[1]) for a in combinations("triage")
    }
    assert {(tuple(q for q, _ in r.answers), r.outcome) for r in rows} == expected_rows
    assert set(QUESTIONS["triage"]) == {q.id for q in TRIAGE.questions}


def test_clause_4_allows_telling_the_customer_there_is_no_need_to_go_and_nothing_more() -> None:
    from sopfsm.wording import sends_to_unit

    assert not sends_to_unit("Pelanggan tidak perlu datang ke Unit.")
    assert not sends_to_unit("there is no need to go to the unit")
    assert sends_to_unit("Pelanggan tidak perlu menunggu; datang ke kantor Unit besok.")
    assert sends_to_unit("Ask the customer to go to the unit office.")
