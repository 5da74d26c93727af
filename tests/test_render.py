"""Flowcharts come from the machines: every step and branch appears and nothing else, the
bytes are stable, a changed SOP changes its DOT, and diagrams/ is never stale."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import attrs
import pygraphviz
import pytest

import sopfsm
from sopfsm.booklet import booklet_html
from sopfsm.cli import main
from sopfsm.render import DIAGRAM_FORMATS, SUFFIXES, render, to_dot, to_mermaid
from sopfsm.spec import SopSpec
from tests import broken_sops

DIAGRAMS = Path(__file__).parent.parent / "diagrams"
SOPS = sopfsm.all_sops()
REFRESH = "sopfsm render --out diagrams"


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
@pytest.mark.parametrize("lang", ["id", "en"])
def test_every_step_and_branch_appears_and_nothing_else(sop: SopSpec, lang: sopfsm.Lang) -> None:
    graph = pygraphviz.AGraph(string=to_dot(sop, lang))
    assert set(graph.nodes()) == {step.id for step in sop.steps}
    drawn = Counter((str(a), str(b)) for a, b in graph.edges())
    assert drawn == Counter((b.source, b.target) for b in sop.branches)


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
def test_nodes_show_questions_scripts_and_outcomes_and_edges_their_clause(sop: SopSpec) -> None:
    graph = pygraphviz.AGraph(string=to_dot(sop, "id"))
    for step in sop.steps:
        label = graph.get_node(step.id).attr["label"]
        if step.asks is not None:
            assert "Tanyakan" in label and step.asks.prompt.id[:20] in label
        else:
            assert str(step.outcome) in label
        for script in step.says:
            assert f"[{script.per.label}]" in label
    for branch in sop.branches:
        edge = graph.get_edge(branch.source, branch.target)
        assert branch.per is not None and branch.per.label in edge.attr["label"]
        assert (edge.attr["style"] == "dashed") is isinstance(branch.per, sopfsm.Assumption)
    title = graph.graph_attr["label"]
    for part in (sop.title.id, f"Klausul {sop.clause}", sop.version, sop.source, "Keterangan"):
        assert part in title


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


def test_mermaid_has_a_node_per_step_and_an_arrow_per_branch() -> None:
    sop = sopfsm.get_sop("niaga-overdue")
    text = to_mermaid(sop)
    assert text.count(" -.->|") + text.count(" -->|") == len(sop.branches)
    for step in sop.steps:
        assert f"    {step.id}{{" in text or f"    {step.id}([" in text


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


def test_render_command_writes_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "render",
                "lebih-tagih",
                "--format",
                "pdf",
                "--format",
                "mermaid",
                "--lang",
                "en",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lebih-tagih.mmd", "lebih-tagih.pdf"]
    assert (tmp_path / "lebih-tagih.pdf").read_bytes().startswith(b"%PDF")
    assert "Over-billing" in (tmp_path / "lebih-tagih.mmd").read_text(encoding="utf-8")
    assert capsys.readouterr().out.count("\n") == 2


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter[str] = Counter()
        self.links: list[str] = []
        self.sections: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags[tag] += 1
        values = dict(attrs)
        self.links += [v or "" for k, v in attrs if k in ("href", "src", "xlink:href")]
        if tag == "section":
            self.sections.append(values.get("id") or "")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_booklet_is_self_contained_and_shows_every_sop(lang: sopfsm.Lang) -> None:
    text = booklet_html(SOPS, lang)
    parsed = _Collector()
    parsed.feed(text)
    assert parsed.sections == list(sopfsm.sop_ids())
    assert parsed.tags["svg"] == len(SOPS)
    assert parsed.tags["script"] == parsed.tags["link"] == parsed.tags["img"] == 0
    assert all(link.startswith("#") for link in parsed.links), parsed.links
    assert "url(" not in text and "@import" not in text
    assert "@media print" in text
    for sop in SOPS:
        assert sop.title.in_(lang) in text
    # The clause text, in the document's own words, in both languages.
    assert ("Dinas Sosial" in text) and ("rata2 3 bulan sebelumnya" in text)


def test_booklet_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "booklet.html"
    assert main(["booklet", "--lang", "en", "--out", str(out)]) == 0
    assert "Every answer path" in out.read_text(encoding="utf-8")
