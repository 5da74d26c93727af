"""Differential tests: the Python declaration, the SOP loaded from YAML, and the SCXML
and statechart JSON exports run by python-statemachine end in the same step on every
answer path of the audit and on random answer sequences, refused answers included."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from statemachine.exceptions import TransitionNotAllowed
from statemachine.io import load

from sopfsm.answers import Value
from sopfsm.audit import audit
from sopfsm.catalogue import all_sops, get_sop, sop_ids
from sopfsm.cli import main
from sopfsm.errors import Rejected
from sopfsm.formats import scxml, statechart_json
from sopfsm.formats.kinds import ANY_ANSWER, CATALOGUE_QUESTIONS, QUESTION_TYPES, answer_word
from sopfsm.formats.strategies import sop_documents
from sopfsm.formats.yaml import read_yaml
from sopfsm.model import SopSpec
from sopfsm.strategies import invalid_answers, valid_answers
from tests.support.engines import Engine, LoadedMachine, PythonCall, loaded_engines


@functools.cache
def _engines(sop_id: str) -> dict[str, Callable[[], Engine]]:
    return loaded_engines(get_sop(sop_id))


def _sample(sop: SopSpec, question_id: str, label: str) -> Value:
    question = sop.question(question_id)
    assert question is not None
    return next(c.samples[0] for c in question.kind.classes() if c.label == label)


def _cli_word(value: Value) -> str:
    return str(answer_word(value)) if isinstance(value, bool) else str(value)


@pytest.mark.parametrize("sop_id", sop_ids())
def test_every_audit_path_ends_in_the_same_step_in_all_four_engines(
    sop_id: str, capsys: pytest.CaptureFixture[str]
) -> None:
    sop = get_sop(sop_id)
    report = audit(sop)
    assert report.paths
    for row in report.paths:
        values = [_sample(sop, q, label) for q, label in row.answers]
        args = [
            f"--answer={q}={_cli_word(v)}" for (q, _), v in zip(row.answers, values, strict=True)
        ]
        assert main(["run", sop_id, "--json", *args]) == 0
        ran = json.loads(capsys.readouterr().out)["outcome"]["step"]
        assert ran == row.steps[-1]
        for name, engine in _engines(sop_id).items():
            call = engine()
            for value in values:
                call.answer(value)
            assert call.step == ran, (name, row.answers)


def test_exported_lebih_tagih_scxml_loads_and_runs_both_paths(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["export", "lebih-tagih", "--format", "scxml"]) == 0
    machine = load(capsys.readouterr().out, format="scxml")
    closed = machine()
    closed.send("answer", value=True)
    assert [s.id for s in closed.configuration] == ["closed"] and closed.is_terminated
    to_unit = machine()
    to_unit.send("answer", value=False)
    assert [s.id for s in to_unit.configuration] == ["ask_meter_reading"]
    to_unit.send("answer", value=12345.0)
    assert [s.id for s in to_unit.configuration] == ["to_unit"] and to_unit.is_terminated
    for answers, step in ((["ya"], "closed"), (["tidak", "12.345"], "to_unit")):
        args = ["--answer=accepts_explanation=" + answers[0]]
        args += ["--answer=meter_reading=" + a for a in answers[1:]]
        assert main(["run", "lebih-tagih", "--json", *args]) == 0
        assert json.loads(capsys.readouterr().out)["outcome"]["step"] == step


@pytest.mark.parametrize("sop", all_sops(), ids=lambda s: s.sop_id)
def test_exports_carry_the_outcome_codes_and_the_questions(sop: SopSpec) -> None:
    codes = {s.id: s.outcome for s in sop.steps if s.outcome}
    asks = {s.id: s.asks.id for s in sop.steps if s.asks}
    for module in (scxml, statechart_json):
        text = module.sop_to_scxml(sop) if module is scxml else module.sop_to_statechart_json(sop)
        assert module.outcome_codes(text) == codes
        assert {k: q for k, (q, _) in module.question_types(text).items()} == asks
    document = scxml.sop_to_scxml(sop)
    for step in sop.steps:
        for script in step.says:
            assert f'kind="{script.kind.value}" per="{script.per.label}"' in document


def test_a_loaded_machine_ignores_an_answer_no_branch_takes_unless_made_strict() -> None:
    loaded = load(scxml.sop_to_scxml(get_sop("ps-welding")), format="scxml")
    machine = loaded()
    for stray in ("maybe", 3, "subsidized", None):
        machine.send("answer", value=stray)  # lenient by default: nothing happens
        assert [s.id for s in machine.configuration] == ["ask_urgent"]
    loaded.allow_event_without_transition = False
    with pytest.raises(TransitionNotAllowed):
        loaded().send("answer", value="maybe")


@pytest.mark.parametrize("sop_id", sop_ids())
@given(data=st.data())
def test_random_answers_refused_ones_included_keep_the_four_engines_in_step(
    sop_id: str, data: st.DataObject
) -> None:
    engines = {name: make() for name, make in _engines(sop_id).items()}
    python = engines["python"]
    assert isinstance(python, PythonCall)
    for _ in range(30):  # answers refused half the time; every path has at most 4 questions
        if (pending := python.call.pending) is None:
            break
        raw = data.draw(valid_answers(pending) | invalid_answers(pending), label=pending.id)
        for engine in engines.values():
            engine.answer(raw)
        assert {name: e.step for name, e in engines.items()} == dict.fromkeys(engines, python.step)
    for engine in engines.values():
        if isinstance(engine, LoadedMachine) and python.call.done:
            assert engine.machine.is_terminated


def _document_question(ask: object) -> Any:
    if isinstance(ask, str):
        return CATALOGUE_QUESTIONS[ask].kind
    assert isinstance(ask, dict)
    return QUESTION_TYPES[ask["type"]]


def _walk_document(doc: Mapping[str, Any], answers: list[object]) -> str:
    """An interpreter of the SOP file's plain data, written apart from the loader: the
    oracle for generated SOPs."""
    steps = {step["id"]: step for step in doc["steps"]}
    here = doc["steps"][0]
    for raw in answers:
        if "ask" not in here:
            break
        try:
            value = _document_question(here["ask"]).coerce(raw)
        except Rejected:
            continue
        word = answer_word(value)
        named = [
            b
            for b in here["branches"]
            if b["answer"] == word or (isinstance(b["answer"], list) and word in b["answer"])
        ]
        # An answer named by a branch takes it; any other takes the branch of "any".
        (branch,) = named or [b for b in here["branches"] if b["answer"] == ANY_ANSWER]
        here = steps[branch["to"]]
    return str(here["id"])


@given(document=sop_documents(), data=st.data())
def test_generated_sop_files_run_alike_in_every_engine(
    document: dict[str, Any], data: st.DataObject
) -> None:
    sop = read_yaml(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), "g.yaml")
    makers = loaded_engines(sop)
    report = audit(sop)
    for row in report.paths or ():
        values = [_sample(sop, q, label) for q, label in row.answers]
        for name, make in makers.items():
            call = make()
            for value in values:
                call.answer(value)
            assert call.step == row.steps[-1] == _walk_document(document, list(values)), name
    engines = {name: make() for name, make in makers.items()}
    python = engines["python"]
    assert isinstance(python, PythonCall)
    answers: list[object] = []
    for _ in range(30):
        if (pending := python.call.pending) is None:
            break
        raw = data.draw(valid_answers(pending) | invalid_answers(pending), label=pending.id)
        answers.append(raw)
        for engine in engines.values():
            engine.answer(raw)
        oracle = _walk_document(document, answers)
        assert {name: e.step for name, e in engines.items()} == dict.fromkeys(engines, oracle)
