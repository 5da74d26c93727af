"""What a flowchart draws, before it is drawn: nodes, edges and groups from a SOP's values.

A question step becomes a decision (and, when it carries texts, a box of those texts
before it); an outcome step one terminal node. A front door draws its own steps and one
node for each SOP it continues into, which has its own chart. Steps that ask the same
question on different paths, remembering an earlier answer, are grouped and each names
what it remembers, so the chart does not read as if the question were asked twice. DOT
and Mermaid both draw this one model.
"""

from __future__ import annotations

from collections.abc import Mapping

import attrs

from sopfsm.compose import SEPARATOR, part_of
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.text import Lang
from sopfsm.views import branch_label


@attrs.frozen
class FlowNode:
    """``kind``: "says" (the texts before a question), "question", "outcome" or "part"."""

    id: str
    kind: str
    step: StepSpec | None = None
    part: str | None = None  # the SOP id a "part" node stands for
    remembers: tuple[str, ...] = ()  # "urgent = Ya": the answers this step remembers


@attrs.frozen
class FlowEdge:
    """A branch between two nodes, or (``branch`` None) a step's texts into its question."""

    source: str
    target: str
    branch: BranchSpec | None = None


@attrs.frozen
class Flow:
    nodes: tuple[FlowNode, ...]
    edges: tuple[FlowEdge, ...]
    groups: Mapping[str, tuple[str, ...]]  # question id -> the nodes that ask it
    parts: tuple[str, ...]  # the SOPs a front door continues into

    @property
    def kinds(self) -> set[str]:
        return {n.kind for n in self.nodes}


def says_id(step_id: str) -> str:
    return f"{step_id}{SEPARATOR}says"


def part_node_id(part: str) -> str:
    return f"{part.replace('-', '_')}{SEPARATOR}sop"


def flow_of(sop: SopSpec, lang: Lang) -> Flow:
    """The drawing model of ``sop`` in ``lang``."""
    own = [s for s in sop.steps if part_of(s.id) is None]
    collapsed = len(own) < len(sop.steps)  # a front door: its parts have their own charts
    steps = own if collapsed else list(sop.steps)

    def entry(step_id: str) -> str:
        name = part_of(step_id) if collapsed else None
        if name is not None:
            return part_node_id(name)
        step = sop.step(step_id)
        return says_id(step_id) if step.asks is not None and step.says else step_id

    remembered = _remembered(sop, steps, lang)
    nodes: list[FlowNode] = []
    edges: list[FlowEdge] = []
    for step in steps:
        if step.asks is None:
            nodes.append(FlowNode(step.id, "outcome", step))
            continue
        if step.says:
            nodes.append(FlowNode(says_id(step.id), "says", step))
            edges.append(FlowEdge(says_id(step.id), step.id))
        nodes.append(FlowNode(step.id, "question", step, remembers=remembered.get(step.id, ())))
    parts: dict[str, None] = {}
    for branch in sop.branches:
        if collapsed and part_of(branch.source) is not None:
            continue
        name = part_of(branch.target) if collapsed else None
        if name is not None:
            parts.setdefault(name.replace("_", "-"), None)
        edges.append(FlowEdge(branch.source, entry(branch.target), branch))
    nodes += [FlowNode(part_node_id(p), "part", part=p) for p in parts]
    groups = {
        question: tuple(ids)
        for question, ids in _askers(steps).items()
        if len(ids) > 1 and all(i in remembered for i in ids)
    }
    return Flow(tuple(nodes), tuple(edges), groups, tuple(parts))


def _askers(steps: list[StepSpec]) -> dict[str, list[str]]:
    askers: dict[str, list[str]] = {}
    for step in steps:
        if step.asks is not None:
            askers.setdefault(step.asks.id, []).append(step.id)
    return askers


def _remembered(sop: SopSpec, steps: list[StepSpec], lang: Lang) -> dict[str, tuple[str, ...]]:
    """For each step that shares its question with another, the answers that lead to it."""
    shared = {i for ids in _askers(steps).values() if len(ids) > 1 for i in ids}
    remembered: dict[str, tuple[str, ...]] = {}
    for branch in sop.branches:
        question = sop.step(branch.source).asks
        if branch.target in shared and question is not None:
            answer = f"{question.id} = {branch_label(question, branch.branch, lang)}"
            remembered[branch.target] = (*remembered.get(branch.target, ()), answer)
    return remembered
