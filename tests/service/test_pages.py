"""The JSON the screens read: every SOP whole and keyed, every audit path a scenario."""

from __future__ import annotations

import json

import pytest

from sopfsm.answers import Choice
from sopfsm.audit import audit
from sopfsm.catalogue import all_sops, get_sop, sop_ids
from sopfsm.service.pages import ANSWER_NAMES, sops_document
from sopfsm.service.practice import STORY, practice_document, scenario
from sopfsm.views import class_of


def test_the_sops_document_holds_every_step_script_and_question_in_both_languages() -> None:
    document = json.loads(json.dumps(sops_document()))  # what the page receives
    assert [sop["id"] for sop in document["sops"]] == list(sop_ids())
    for sop_json in document["sops"]:
        spec = get_sop(sop_json["id"])
        assert set(sop_json["steps"]) == {step.id for step in spec.steps}
        for step in spec.steps:
            says = sop_json["steps"][step.id]["says"]
            assert [s["text"] for s in says] == [
                {"id": s.text.id, "en": s.text.en} for s in step.says
            ]
            assert all(s["kind"] in document["kinds"] for s in says)
            if step.outcome:  # every outcome has words for the CSO
                assert step.outcome in document["outcomes"]
        for question in spec.questions:
            entry = sop_json["questions"][question.id]
            assert entry["prompt"] == {"id": question.prompt.id, "en": question.prompt.en}
            assert question.id in ANSWER_NAMES, f"{question.id} has no name for APKT"


def test_each_choice_has_one_key_per_answer_and_fields_take_the_rest() -> None:
    for sop_json in sops_document()["sops"]:
        for question_id, entry in sop_json["questions"].items():
            kind = get_sop(sop_json["id"]).question(question_id).kind  # type: ignore[union-attr]
            if not isinstance(kind, Choice):
                assert entry["input"] in {"nik", "reading"}
                # Only the typed class is typed; any other class has its own button.
                classes = [c.label for c in kind.classes()]
                assert [o["class"] for o in entry["options"]] == classes[1:]
                continue
            keys = [key for option in entry["options"] for key in option["also"]]
            assert len(keys) == len(set(keys)), f"{question_id}: two answers share a key"
            assert "/" not in keys  # the key back to a field
            assert {o["class"] for o in entry["options"]} == {c.label for c in kind.classes()}
            for option in entry["options"]:
                assert kind.coerce(option["value"]) == option["value"]


def test_a_yes_is_never_taken_for_scheme_1() -> None:
    scheme = get_sop("ps-welding").question("region_scheme")
    urgent = get_sop("ps-welding").question("urgent")
    assert scheme is not None
    assert urgent is not None
    assert class_of(scheme.kind, 1) == "1"
    assert class_of(urgent.kind, True) == "yes"
    with pytest.raises(StopIteration):
        class_of(scheme.kind, True)


def test_every_answer_path_of_every_sop_is_a_scenario_whose_moves_follow_it() -> None:
    scenarios = practice_document()["scenarios"]
    expected = [(sop.sop_id, row.steps) for sop in all_sops() for row in audit(sop).paths or ()]
    assert [(s["sop"], tuple(s["steps"])) for s in scenarios] == expected
    assert len({s["id"] for s in scenarios}) == len(scenarios)
    for entry in scenarios:
        spec = get_sop(entry["sop"])
        assert len(entry["moves"]) == len(entry["steps"])
        assert len(entry["story"]) == len(entry["steps"])  # an opening, then one per answer
        for move, step_id in zip(entry["moves"], entry["steps"], strict=True):
            choices = move["choices"]
            assert len(choices) >= 2, f"{entry['id']}: a move with nothing to choose"
            assert step_id in choices[move["right"]]["steps"]
            assert all(
                step_id not in c["steps"] for n, c in enumerate(choices) if n != move["right"]
            )
            assert move["per"] is not None
            assert move["why"] is not None  # the clause's words explain a wrong pick
            assert spec.has_step(step_id)


def test_a_wrong_move_is_never_worded_like_the_right_one() -> None:
    # Clause 1 asks about access from two steps; the trainee cannot tell them apart, so
    # they are one move, and picking it is right whichever step the path takes.
    for entry in practice_document()["scenarios"]:
        for move in entry["moves"]:
            worded = [(c["says"], c["asks"], c["outcome"]) for c in move["choices"]]
            assert len(worded) == len({json.dumps(w) for w in worded})


def test_every_answer_class_of_every_sop_has_a_story_line() -> None:
    missing = [
        (question.id, answer_class.label)
        for sop in all_sops()
        for question in sop.questions
        for answer_class in question.kind.classes()
        if (question.id, answer_class.label) not in STORY
    ]
    assert not missing, f"no customer story for {missing}"


def test_a_story_tells_the_answers_of_its_path() -> None:
    row = next(r for r in audit("lebih-tagih").paths or () if r.outcome == "APKT_TO_UNIT")
    entry = scenario(get_sop("lebih-tagih"), row)
    assert entry["story"][1]["id"] == "Setelah dijelaskan, Pelanggan tetap keberatan membayar."
    assert entry["story"][2]["id"] == "Stand APP saat Pelanggan melapor: 12.345,5 kWh."
