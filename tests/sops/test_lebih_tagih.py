"""Clause 5B when the customer cannot give the stand APP (READING.md, round 3): the report
still goes to the unit, with the reading recorded as not known, never a number; and every
reader of the SOP (the call, QA's replay, the SOP files and exports) agrees."""

from __future__ import annotations

import json

import pytest

import sopfsm
from sopfsm.cli import main
from sopfsm.compiled import compiled
from sopfsm.formats.kinds import QUESTION_TYPES, type_name
from sopfsm.formats.scxml import cond_of, sop_to_scxml
from sopfsm.formats.yaml import read_yaml, sop_to_yaml
from sopfsm.questions import METER_READING, NOT_KNOWN
from tests.support.calls import run_through, said_text
from tests.support.reading import combinations

NOT_KNOWN_TYPED = ["tidak tahu", "Tidak Tahu", " tidak diketahui ", "tdk tahu", "unknown"]
NOT_KNOWN_TYPED += ["Not known", "not_known"]


def _objects() -> sopfsm.Call:
    return sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")


@pytest.mark.parametrize("typed", NOT_KNOWN_TYPED)
def test_a_reading_the_customer_cannot_give_still_sends_the_report_to_the_unit(typed: str) -> None:
    call = _objects().answer("meter_reading", typed)
    assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
    assert call.outcome.step == "to_unit_reading_not_known"
    assert call.outcome.data["meter_reading"] == NOT_KNOWN  # recorded so, not as a number
    done = [s for s in call.scripts if s.kind == "done"]
    assert "tidak diketahui" in done[-1].text.id and "bukan angka tebakan" in done[-1].text.id
    assert "not known" in done[-1].text.en and "never a guessed number" in done[-1].text.en
    assert done[-1].per.label == "A:lebih-tagih-reading-not-known"


def test_a_given_reading_is_still_a_number_and_zero_is_a_reading() -> None:
    for typed, number in (("12.345", 12345.0), ("0", 0.0)):
        call = _objects().answer("meter_reading", typed)
        assert call.outcome is not None and call.outcome.step == "to_unit"
        assert call.outcome.data["meter_reading"] == number


def test_the_accepted_values_name_the_words_for_a_reading_not_known() -> None:
    with pytest.raises(sopfsm.InvalidAnswer) as refused:
        _objects().answer("meter_reading", "mungkin")
    assert "'tidak tahu'" in refused.value.accepted.id
    assert "'unknown' / 'not known'" in refused.value.accepted.en
    assert "stand APP" in refused.value.accepted.id


def test_the_cli_records_the_reading_as_not_known(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "lebih-tagih", "--json", "--answer", "accepts_explanation=tidak"]
    assert main([*argv, "--answer", "meter_reading=tidak tahu"]) == 0
    outcome = json.loads(capsys.readouterr().out)["outcome"]
    assert (outcome["code"], outcome["data"]["meter_reading"]) == ("APKT_TO_UNIT", NOT_KNOWN)


@pytest.mark.parametrize(("sop_id", "before", "question", "typed"), [
    ("lebih-tagih", ("accepts_explanation", "tidak"), "meter_reading", "tidak tahu"),
    ("turun-daya", ("target_tariff", "subsidi"), "nik", "tidak ada"),
])  # fmt: skip
def test_qa_replays_an_answer_that_gives_no_value_to_its_own_branch(
    sop_id: str, before: tuple[str, str], question: str, typed: str
) -> None:
    call = sopfsm.start(sop_id).answer(*before).answer(question, typed)
    table = compiled(sop_id)
    step = table.answer(table.answer(table.initial, *before), question, typed)
    assert step.id == call.path[-1] and step.final


def test_the_sop_files_and_exports_keep_the_catalogue_reading_and_a_files_own_a_number() -> None:
    sop = sopfsm.get_sop("lebih-tagih")
    assert type_name(METER_READING.kind) == "meter-reading-or-not-known"
    assert QUESTION_TYPES["meter-reading"].coerce("12") == 12.0
    with pytest.raises(ValueError, match="not a number"):
        QUESTION_TYPES["meter-reading"].coerce("tidak tahu")  # a file's own stays a number
    again = read_yaml(sop_to_yaml(sop), "lebih-tagih.yaml")
    assert again.question("meter_reading") == METER_READING
    assert 'type="meter-reading-or-not-known"' in sop_to_scxml(sop)
    any_reading = next(b for b in sop.branches_from("ask_meter_reading") if b.target == "to_unit")
    assert cond_of(any_reading, METER_READING.kind) == "_event.data.value !== 'not_known'"


def test_lebih_tagih_asks_the_meter_reading_only_when_the_customer_still_objects() -> None:
    accepts = run_through("lebih-tagih", {"accepts_explanation": True})
    objects = run_through("lebih-tagih", {"accepts_explanation": False, "meter_reading": 100})
    assert "meter_reading" not in {r.question for r in accepts.answers}
    assert [r.question for r in objects.answers][-1] == "meter_reading"


def test_clause_5b_explains_the_three_month_average() -> None:
    for answers in combinations("lebih-tagih"):
        assert "rata-rata 3 bulan" in said_text(run_through("lebih-tagih", answers))
