"""The charts of two versions of a SOP, with what the later one changed marked on both.

On the earlier version's chart, the steps gone or changed and the branches gone or led
elsewhere; on the later one's, the steps new or changed and the branches new or led
elsewhere (:func:`sopfsm.diff.diff_sops` says which). A changed step marks the node that
shows what changed: its texts' box for what the CSO says, its decision for the question
asked or what it cites, the terminal for an outcome. The renderers draw the marks as they
draw a call's path: the model says what, they say how.
"""

from __future__ import annotations

import attrs

from sopfsm.answer_paths import AnswerGraph
from sopfsm.diagram.extract import chart_of, says_id
from sopfsm.diagram.model import Chart, ChartEdge, ChartNode
from sopfsm.diff import SopDiff, diff_sops
from sopfsm.model import BranchSpec, SopSpec
from sopfsm.text import Lang

_SAYS_CHANGES = frozenset({"says", "cites"})


def diff_charts(
    old: SopSpec, new: SopSpec, lang: Lang = "id", diff: SopDiff | None = None
) -> tuple[Chart, Chart]:
    """The charts of ``old`` and ``new`` in ``lang``, each with the steps and branches
    the diff of the two (``diff``, or computed) marks changed on it."""
    found = diff if diff is not None else diff_sops(old, new)
    return (_marked(old, lang, found, "old"), _marked(new, lang, found, "new"))


def _marked(sop: SopSpec, lang: Lang, diff: SopDiff, side: str) -> Chart:
    alone = "gone" if side == "old" else "new"
    whats: dict[str, set[str]] = {}
    for change in diff.steps:
        if change.status == alone:
            whats[change.step] = {"*"}
        elif change.status == "changed":
            whats[change.step] = {c.what for c in change.changes}
    branches = _changed_branches(sop, diff, side)
    steps_alone = {s for s, what in whats.items() if what == {"*"}}
    chart = chart_of(sop, lang)
    nodes = tuple(attrs.evolve(n, changed=_node_changed(n, whats)) for n in chart.nodes)
    edges = tuple(
        attrs.evolve(e, changed=_edge_changed(e, branches, steps_alone)) for e in chart.edges
    )
    return attrs.evolve(chart, nodes=nodes, edges=edges)


def _changed_branches(sop: SopSpec, diff: SopDiff, side: str) -> set[BranchSpec]:
    """The branches of ``sop`` a branch change of the diff names on its ``side``."""
    graph = AnswerGraph(sop)
    by_answer = {
        (step_id, f"{question}={label}"): branch
        for step_id, edges in graph.edges.items()
        for question, label, branch in edges
    }
    found = set()
    for change in diff.branches:
        target = change.old_target if side == "old" else change.new_target
        branch = by_answer.get((change.step, change.answer))
        if target is not None and branch is not None:
            found.add(branch)
    return found


def _node_changed(node: ChartNode, whats: dict[str, set[str]]) -> bool:
    for step_id in node.stands_for:
        what = whats.get(step_id)
        if not what:
            continue
        if "*" in what or node.kind in ("outcome", "part"):
            return True
        if node.kind == "says" and what & _SAYS_CHANGES:
            return True
        if node.kind == "question" and what - {"says"}:
            return True
    return False


def _edge_changed(edge: ChartEdge, branches: set[BranchSpec], alone: set[str]) -> bool:
    if edge.branch is None:  # a step's texts into its question: changed with the step
        return any(edge.source == says_id(step_id) for step_id in alone)
    branch = edge.branch
    return branch in branches or branch.source in alone or branch.target in alone
