"""Export a SOP's machine in python-statemachine's own JSON definition format.

The document follows python-statemachine's ``statechart.schema.json``: ``states`` keyed
by step id, transitions on ``answer`` whose ``cond`` tests ``_event.data.value`` (Python
expressions, as that format's guards are), and each final state's ``donedata`` carrying
its APKT outcome code. The format has no place for scripts, so this is the machine part:
the identity of the SOP and what each state asks are in the ``datamodel`` (``sop_asks``:
state id -> [question id, question type]); the scripts travel in the SCXML and YAML
exports.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from sopfsm.answers import AnswerKind, Value
from sopfsm.declare import ANSWER_EVENT
from sopfsm.formats.kinds import named_values, type_name
from sopfsm.model import BranchSpec, SopSpec


def literal(value: Value) -> str:
    """``value`` as a Python literal, as the JSON format's expressions are written."""
    return repr(value)


def cond_of(branch: BranchSpec, kind: AnswerKind) -> str | None:
    """The ``cond`` of ``branch`` from a question of ``kind``: None when every accepted
    answer takes it; for ``any``, the answers that give no value are excluded by name."""
    if branch.branch is None:
        return None
    if branch.branch.values is None:
        given = branch.branch
        tests = [
            f"_event.data.value != {literal(v)}" for v in named_values(kind) if not given.matches(v)
        ]
        return " and ".join(tests) or None
    return " or ".join(f"_event.data.value == {literal(v)}" for v in branch.branch.values)


def sop_to_statechart(sop: SopSpec) -> dict[str, Any]:
    """The definition of ``sop``'s machine as a JSON-ready dict."""
    asks = {s.id: [s.asks.id, type_name(s.asks.kind)] for s in sop.steps if s.asks is not None}
    states: dict[str, Any] = {}
    for step in sop.steps:
        state: dict[str, Any] = {}
        if step.initial:
            state["initial"] = True
        if step.outcome is not None:
            state["final"] = True
            state["donedata"] = {"params": [{"name": "outcome", "expr": literal(step.outcome)}]}
        transitions = []
        for branch in sop.branches_from(step.id):
            transition = {"event": ANSWER_EVENT, "target": branch.target}
            assert step.asks is not None  # spec_of: only a question step has branches
            cond = cond_of(branch, step.asks.kind)
            if cond is not None:
                transition["cond"] = cond
            transitions.append(transition)
        if transitions:
            state["transitions"] = transitions
        states[step.id] = state
    return {
        "name": sop.sop_id,
        "description": f"{sop.title.en} (clause {sop.clause}, version {sop.version}, "
        f"source {sop.source}). Send 'answer' with value=, the answer coerced by the "
        "question's type in sop_asks.",
        "datamodel": [
            {"id": "sop_id", "expr": literal(sop.sop_id)},
            {"id": "sop_clause", "expr": literal(sop.clause)},
            {"id": "sop_version", "expr": literal(sop.version)},
            {"id": "sop_source", "expr": literal(sop.source)},
            {"id": "sop_asks", "expr": repr(asks)},
        ],
        "states": states,
    }


def sop_to_statechart_json(sop: SopSpec) -> str:
    """The JSON definition of ``sop``'s machine: byte-stable, for committing."""
    return json.dumps(sop_to_statechart(sop), ensure_ascii=False, indent=2) + "\n"


def question_types(document: str) -> dict[str, tuple[str, str]]:
    """What each state of an exported document asks: state id -> (question id, type)."""
    items = json.loads(document)["datamodel"]
    expr = next(item["expr"] for item in items if item["id"] == "sop_asks")
    asks: dict[str, list[str]] = ast.literal_eval(expr)
    return {state: (question, kind) for state, (question, kind) in asks.items()}


def outcome_codes(document: str) -> dict[str, str]:
    """The APKT outcome code of each final state of an exported document."""
    states = json.loads(document)["states"]
    return {
        state_id: ast.literal_eval(state["donedata"]["params"][0]["expr"])
        for state_id, state in states.items()
        if state.get("final")
    }
