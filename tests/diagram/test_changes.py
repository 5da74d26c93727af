"""The charts of a diff mark exactly what changed, on the one chart model, and every
renderer draws the mark; the page for reviewers fetches nothing."""

from __future__ import annotations

import re
from pathlib import Path

import attrs
import pygraphviz

from sopfsm.catalogue import get_sop
from sopfsm.diagram import CHANGED_COLOUR, Chart, diff_charts, diff_html, to_dot, to_mermaid
from sopfsm.formats.load import load_sop
from sopfsm.model import SopSpec

ROOT = Path(__file__).parents[2]
UPDATE = load_sop(ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml")
OLD = get_sop("lebih-tagih")


def _marked(chart: Chart) -> tuple[set[str], set[tuple[str, str]]]:
    nodes = {n.id for n in chart.nodes if n.changed}
    edges = {(e.source, e.target) for e in chart.edges if e.changed}
    return nodes, edges


def _retargeted(sop: SopSpec, source: str, target: str, to: str) -> SopSpec:
    branches = tuple(
        attrs.evolve(b, target=to) if (b.source, b.target) == (source, target) else b
        for b in sop.branches
    )
    return attrs.evolve(sop, branches=branches)


def test_the_example_update_marks_the_steps_it_changed_on_both_charts() -> None:
    old, new = diff_charts(OLD, UPDATE)
    changed = {"explain_policy__says", "explain_policy", "closed"}
    assert _marked(old) == (changed, set())
    assert _marked(new) == (changed, set())


def test_a_retargeted_branch_is_marked_where_it_led_and_where_it_leads() -> None:
    new = _retargeted(OLD, "ask_meter_reading", "to_unit_reading_not_known", "to_unit")
    before, after = diff_charts(OLD, new)
    assert _marked(before) == (set(), {("ask_meter_reading", "to_unit_reading_not_known")})
    # The other branch to to_unit, which did not change, is not marked.
    (moved,) = [e for e in after.edges if e.changed]
    assert (moved.source, moved.target) == ("ask_meter_reading", "to_unit")
    assert moved.branch is not None and moved.branch.branch is not None
    assert [e.changed for e in after.edges if e.target == "to_unit"].count(False) == 1


def test_a_step_only_one_version_has_is_marked_with_its_branches() -> None:
    old = _retargeted(OLD, "explain_policy", "closed", "to_unit")
    old = attrs.evolve(old, steps=tuple(s for s in old.steps if s.id != "closed"))
    _, new = diff_charts(old, OLD)
    nodes, edges = _marked(new)
    assert "closed" in nodes and ("explain_policy", "closed") in edges


def test_a_sop_against_itself_marks_nothing() -> None:
    old, new = diff_charts(OLD, OLD)
    assert not old.changes and not new.changes
    assert 'data-same=""' in diff_html(OLD, OLD)


def test_dot_and_mermaid_draw_the_mark() -> None:
    _, new = diff_charts(OLD, UPDATE)
    graph = pygraphviz.AGraph(string=to_dot(new))
    coloured = {n.name for n in graph.nodes() if n.attr.get("color") == CHANGED_COLOUR}
    assert coloured == {"explain_policy__says", "explain_policy", "closed"}
    assert CHANGED_COLOUR not in to_dot(diff_charts(OLD, OLD)[1])
    mermaid = to_mermaid(new)
    assert "    class explain_policy__says,explain_policy,closed changed" in mermaid
    retargeted = _retargeted(OLD, "ask_meter_reading", "to_unit_reading_not_known", "to_unit")
    assert "linkStyle" in to_mermaid(diff_charts(OLD, retargeted)[1])


def test_the_page_is_self_contained_with_both_charts_side_by_side() -> None:
    page = diff_html(OLD, UPDATE, "en")
    assert page.count('<section class="chart"') == 2
    assert 'data-chart="old" data-version="2020-04-10"' in page
    assert 'data-chart="new" data-version="2026-12-01"' in page
    assert page.count("<svg") == 2 and "<!DOCTYPE svg" not in page
    # Nothing to fetch: no script, link, image or import; w3.org appears only as the
    # names of SVG's XML namespaces, which no browser fetches.
    assert not re.search(r"<(script|link|img|iframe|object|embed)\b", page)
    assert "@import" not in page and "url(" not in page
    addresses = set(re.findall(r"https?://[^\s\"'<>]+", page))
    assert addresses <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}
    assert page == diff_html(OLD, UPDATE, "en")  # the same bytes every time
