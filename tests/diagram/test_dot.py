"""Flowcharts come from the machines: every step and branch appears and nothing else, the
bytes are stable, a changed SOP changes its DOT, and diagrams/ is never stale."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import attrs
import pygraphviz
import pytest

import sopfsm
from sopfsm.diagram import DIAGRAM_FORMATS, SUFFIXES, render, to_dot
from sopfsm.model import SopSpec
from tests.support import broken_sops

DIAGRAMS = Path(__file__).parents[2] / "diagrams"
SOPS = sopfsm.all_sops()
REFRESH = "sopfsm render --out diagrams"


def _drawn_steps(sop: SopSpec) -> list[sopfsm.StepSpec]:
    # The front door draws its own steps; each SOP it continues into has its own chart.
    return [s for s in sop.steps if "__" not in s.id]


def _entry(sop: SopSpec, step_id: str) -> str:
    if "__" in step_id:
        return step_id.split("__", maxsplit=1)[0] + "__sop"
    step = sop.step(step_id)
    return f"{step_id}__says" if step.asks is not None and step.says else step_id


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_step_and_branch_appears_and_nothing_else(sop: SopSpec, lang: sopfsm.Lang) -> None:
    graph = pygraphviz.AGraph(string=to_dot(sop, lang))
    steps = _drawn_steps(sop)
    drawn_ids = {s.id for s in steps}
    branches = [b for b in sop.branches if b.source in drawn_ids]
    texts = {f"{s.id}__says" for s in steps if s.asks is not None and s.says}
    parts = {_entry(sop, b.target) for b in branches if "__" in b.target}
    assert set(graph.nodes()) == drawn_ids | texts | parts
    drawn = Counter((str(a), str(b)) for a, b in graph.edges())
    expected = Counter((b.source, _entry(sop, b.target)) for b in branches)
    expected.update((f"{t.removesuffix('__says')}__says", t.removesuffix("__says")) for t in texts)
    assert drawn == expected


def test_the_front_door_draws_one_node_for_each_sop_it_continues_into() -> None:
    graph = pygraphviz.AGraph(string=to_dot(sopfsm.get_sop("triage"), "id"))
    parts = sorted(str(n) for n in graph.nodes() if str(n).endswith("__sop"))
    assert parts == sorted(f"{s.replace('-', '_')}__sop" for s in sopfsm.sop_ids()[1:])
    assert "lanjut ke SOP lebih-tagih" in graph.get_node("lebih_tagih__sop").attr["label"]
    assert not any("lebih_tagih__explain" in str(n) for n in graph.nodes())


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
def test_questions_are_decisions_and_outcomes_terminals_each_citing_its_clause(
    sop: SopSpec,
) -> None:
    graph = pygraphviz.AGraph(string=to_dot(sop, "id"))
    for step in _drawn_steps(sop):
        node = graph.get_node(step.id)
        label = node.attr["label"]
        if step.asks is not None:
            # A diamond, holding the question alone: the texts before it are a box of their own.
            assert node.attr["shape"] == "diamond"
            assert "Tanyakan" in label and step.asks.prompt.id[:12] in label
            assert "Sampaikan" not in label and "Lakukan" not in label
            texts = graph.get_node(f"{step.id}__says").attr["label"] if step.says else ""
        else:
            assert str(step.outcome) in label and 'STYLE="ROUNDED"' in label
            texts = label
        for script in step.says:
            assert f"[{script.per.label}]" in texts
    for branch in sop.branches:
        if "__" in branch.source:
            continue
        edge = graph.get_edge(branch.source, _entry(sop, branch.target))
        assert branch.per is not None and branch.per.label in edge.attr["label"]
        assert (edge.attr["style"] == "dashed") is isinstance(branch.per, sopfsm.Assumption)
    title = graph.graph_attr["label"]
    for part in (sop.title.id, f"Klausul {sop.clause}", sop.version, sop.source, "Keterangan"):
        assert part in title
    assert sop.scope is not None and f"Berlaku untuk:</I> {sop.scope.id}" in title


def test_a_dashed_edge_is_a_branch_resting_on_an_assumption_not_on_question_order() -> None:
    dot = to_dot(sopfsm.get_sop("niaga-overdue"), "id")
    graph = pygraphviz.AGraph(string=dot)
    # Urgency is clause 1b's own question: the order of b and c does not dash its branches.
    assert graph.get_edge("ask_urgent", "ask_access_urgent__says").attr["style"] == "solid"
    advice = graph.get_edge("ask_access_not_urgent", "closed_access_restricted")
    assert advice.attr["style"] == "dashed" and "A:niaga-access-later" in advice.attr["label"]


def test_a_question_asked_from_two_steps_is_one_group_that_names_what_each_remembers() -> None:
    graph = pygraphviz.AGraph(string=to_dot(sopfsm.get_sop("niaga-overdue"), "id"))
    group = graph.get_subgraph("cluster_access_restricted")
    assert group is not None
    assert {"ask_access_urgent", "ask_access_not_urgent"} <= set(group.nodes())
    assert "mengingat: urgent = Ya" in graph.get_node("ask_access_urgent").attr["label"]
    assert "mengingat: urgent = Tidak" in graph.get_node("ask_access_not_urgent").attr["label"]
    assert "satu pertanyaan" in graph.graph_attr["label"]
    # A chart with no such question says nothing of groups.
    single = pygraphviz.AGraph(string=to_dot(sopfsm.get_sop("gangguan-persil"), "id"))
    assert not single.subgraphs() and "satu pertanyaan" not in single.graph_attr["label"]


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
def test_the_legend_lists_only_what_the_chart_draws(sop: SopSpec) -> None:
    graph = pygraphviz.AGraph(string=to_dot(sop, "id"))  # kept alive: its attrs live in it
    legend = graph.graph_attr["label"]
    steps = _drawn_steps(sop)
    codes = {str(s.outcome) for s in steps if s.final}
    for code in ("APKT_TO_UNIT", "APKT_ISSUE_CLOSED", "PS_SCHEME_1", "PS_SCHEME_2", "REGULAR_SOP"):
        assert (f">{code}</TD>" in legend) is (code in codes), code
    assert ("pertanyaan (keputusan)" in legend) is any(s.asks for s in steps)
    assert ("lanjut ke SOP" in legend) is (sop.sop_id == "triage")
    dashed = any(isinstance(b.per, sopfsm.Assumption) for b in sop.branches if "__" not in b.source)
    assert ("putus-putus" in legend) is dashed


def test_edges_are_labelled_with_the_answer_in_each_language() -> None:
    sop = sopfsm.get_sop("ps-welding")
    assert "Ya · 2" in to_dot(sop, "id") and "Skema 1 · 2" in to_dot(sop, "id")
    assert "Yes · 2" in to_dot(sop, "en") and "Scheme 2 · 2" in to_dot(sop, "en")


def test_rendering_twice_gives_identical_bytes() -> None:
    sop = sopfsm.get_sop("turun-daya")
    for fmt in DIAGRAM_FORMATS:
        assert render(sop, fmt) == render(sop, fmt)


def test_changing_a_sop_changes_its_dot() -> None:
    sop = sopfsm.get_sop("lebih-tagih")
    step = sop.step("to_unit")
    changed = attrs.evolve(
        sop,
        steps=tuple(attrs.evolve(s, carries=()) if s is step else s for s in sop.steps),
    )
    assert to_dot(changed) != to_dot(sop)
    other = sopfsm.spec_of(broken_sops.MissingMeterReading)
    assert to_dot(other) != to_dot(sop)


@pytest.mark.parametrize(
    "name", [f"{s.sop_id}{SUFFIXES[f]}" for s in SOPS for f in DIAGRAM_FORMATS]
)
def test_committed_diagrams_are_what_the_sops_generate(name: str) -> None:
    sop_id, fmt = next(
        (s.sop_id, f) for s in SOPS for f in DIAGRAM_FORMATS if name == f"{s.sop_id}{SUFFIXES[f]}"
    )
    path = DIAGRAMS / name
    assert path.exists(), f"diagrams/{name} is missing; run: {REFRESH}"
    assert path.read_bytes() == render(sopfsm.get_sop(sop_id), fmt), (
        f"diagrams/{name} is stale; run: {REFRESH}"
    )


def test_diagrams_holds_nothing_but_generated_diagrams() -> None:
    expected = {f"{s.sop_id}{SUFFIXES[f]}" for s in SOPS for f in DIAGRAM_FORMATS}
    assert {p.name for p in DIAGRAMS.iterdir()} == expected
