"""A SOP's chart model from its values, and a call's way through it.

A question step becomes a decision (and, when it carries texts, a box of those texts
before it); an outcome step one terminal node. A front door draws its own steps and one
node for each SOP it continues into, which has its own chart. Steps that ask the same
question on different paths, remembering an earlier answer, are grouped and each names
what it remembers, so the chart does not read as if the question were asked twice.

A call's path is drawn on the chart of the SOP it runs and, for a front-door call, on the
chart of the clause SOP it continued into: its composed steps (``lebih_tagih__ask_nik``)
are that SOP's own steps (``ask_nik``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sopfsm.compose import SEPARATOR, namespace, part_of
from sopfsm.diagram.model import Chart, ChartEdge, ChartNode
from sopfsm.model import BranchSpec, SopSpec, StepSpec, branch_label
from sopfsm.provenance import Assumption, Provenance
from sopfsm.text import Lang

if TYPE_CHECKING:
    from sopfsm.call import Call


def says_id(step_id: str) -> str:
    return f"{step_id}{SEPARATOR}says"


def part_node_id(part: str) -> str:
    return f"{part.replace('-', '_')}{SEPARATOR}sop"


def cite(per: Provenance | None) -> str:
    return per.label if per is not None else "?"


def is_dashed(branch: BranchSpec | None) -> bool:
    if branch is None:  # a step's texts into its own question: no branch at all
        return False
    return isinstance(branch.per, Assumption) or branch.per is None


def edge_label(sop: SopSpec, branch: BranchSpec, lang: Lang) -> str:
    """The answer that takes ``branch`` and the clause or assumption it cites."""
    question = sop.step(branch.source).asks
    answer = branch_label(question, branch.branch, lang) if question else "?"
    return f"{answer} · {cite(branch.per)}"


def chart_of(
    sop: SopSpec,
    lang: Lang = "id",
    path: Sequence[str] = (),
    current: str | None = None,
    call_sop: str | None = None,
) -> Chart:
    """The chart of ``sop`` in ``lang``, with a call's ``path`` of step ids and its
    ``current`` step drawn on it.

    The call runs ``sop`` itself or (``call_sop``) a front door that continues into
    ``sop``: then only its steps inside ``sop`` are drawn.
    """
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
    nodes: list[ChartNode] = []
    edges: list[ChartEdge] = []
    for step in steps:
        if step.asks is None:
            nodes.append(ChartNode(step.id, "outcome", (step.id,), step))
            continue
        if step.says:
            nodes.append(ChartNode(says_id(step.id), "says", (step.id,), step))
            edges.append(ChartEdge(says_id(step.id), step.id))
        remembers = remembered.get(step.id, ())
        nodes.append(ChartNode(step.id, "question", (step.id,), step, remembers=remembers))
    parts: dict[str, list[str]] = {}
    for branch in sop.branches:
        if collapsed and part_of(branch.source) is not None:
            continue
        name = part_of(branch.target) if collapsed else None
        if name is not None:
            parts.setdefault(name.replace("_", "-"), [])
        edges.append(
            ChartEdge(
                branch.source,
                entry(branch.target),
                branch,
                edge_label(sop, branch, lang),
                is_dashed(branch),
            )
        )
    if parts:
        # Only a front door needs the catalogue (each part's clause and title).
        from sopfsm.catalogue import get_sop

        for step in sop.steps:
            name = part_of(step.id)
            if name is not None and name.replace("_", "-") in parts:
                parts[name.replace("_", "-")].append(step.id)
        nodes += [
            ChartNode(part_node_id(p), "part", tuple(ids), part=get_sop(p))
            for p, ids in parts.items()
        ]
    groups = {
        question: tuple(ids)
        for question, ids in _askers(steps).items()
        if len(ids) > 1 and all(i in remembered for i in ids)
    }
    if call_sop is not None and call_sop != sop.sop_id:
        inside = f"{namespace(sop.sop_id)}{SEPARATOR}"
        path = [s.removeprefix(inside) for s in path if s.startswith(inside)]
        if current is not None:
            current = current.removeprefix(inside) if current.startswith(inside) else None
    visited = _drawn(nodes, path)
    current_nodes = _drawn(nodes, [current]) if current is not None else []
    return Chart(
        sop,
        lang,
        tuple(nodes),
        tuple(edges),
        groups,
        tuple(parts),
        visited=tuple(visited),
        current=current_nodes[-1] if current_nodes else None,
    )


def _drawn(nodes: Sequence[ChartNode], path: Sequence[str]) -> list[str]:
    """The nodes ``path``'s steps visit, in order, each once per visit."""
    by_step: dict[str, list[str]] = {}
    for node in nodes:
        for step_id in node.stands_for:
            by_step.setdefault(step_id, []).append(node.id)
    drawn: list[str] = []
    for step in path:
        found = by_step.get(step, [])
        drawn += [n for n in found if not drawn or drawn[-1] != n]
    return drawn


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


def charted_sops(sop: SopSpec) -> tuple[str, ...]:
    """The SOPs on whose charts a call of ``sop`` is drawn: ``sop`` and, for a front door,
    each SOP it continues into."""
    parts = dict.fromkeys(n.replace("_", "-") for n in (part_of(s.id) for s in sop.steps) if n)
    return (sop.sop_id, *parts)


def call_chart(sop: SopSpec, call: Call, lang: Lang = "id") -> Chart:
    """The chart of ``sop`` with ``call``'s path and current step: ``sop`` is the call's
    SOP or one its front door continues into (one of :func:`charted_sops`)."""
    return chart_of(sop, lang, call.path, call.step.id, call_sop=call.sop.sop_id)
