"""What a flowchart draws, before it is drawn: its nodes, edges and groups, and a call's
way through them.

Every renderer draws this model and nothing else, so a chart, a call's path on it and its
current step are the same in DOT, SVG, Mermaid, the booklet, the call screen and QA's
report; so are the steps and branches a version changed (``changed``), on the two charts
of a diff. Each node names the SOP steps it stands for: a question step is two nodes (the box
of its texts, then its decision), and a front door's "lanjut ke SOP" node stands for every
step of the SOP it continues into.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import attrs

from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.text import Lang

NodeKind = Literal["says", "question", "outcome", "part"]


@attrs.frozen
class ChartNode:
    """``kind``: "says" (the texts before a question), "question", "outcome" or "part"."""

    id: str
    kind: NodeKind
    stands_for: tuple[str, ...]  # the ids of the SOP steps this node draws
    step: StepSpec | None = None
    part: SopSpec | None = None  # the SOP a "part" node continues into
    remembers: tuple[str, ...] = ()  # "urgent = Ya": the answers this step remembers
    changed: bool = False  # the step is gone, new or changed, on a chart of a diff


@attrs.frozen
class ChartEdge:
    """A branch between two nodes, or (``branch`` None) a step's texts into its question."""

    source: str
    target: str
    branch: BranchSpec | None = None
    label: str = ""  # the answer that takes the branch and what it cites
    dashed: bool = False  # the branch rests on an assumption, not on a clause
    changed: bool = False  # the branch is gone, new or leads elsewhere, on a chart of a diff


@attrs.frozen
class Chart:
    """A SOP's flowchart in one language, with the nodes a call visited, in order, and the
    node of its current step (none for a chart of the SOP alone)."""

    sop: SopSpec
    lang: Lang
    nodes: tuple[ChartNode, ...]
    edges: tuple[ChartEdge, ...]
    groups: Mapping[str, tuple[str, ...]]  # question id -> the nodes that ask it
    parts: tuple[str, ...]  # the SOPs a front door continues into
    visited: tuple[str, ...] = ()
    current: str | None = None

    @property
    def changes(self) -> bool:
        """Whether anything on the chart is marked changed."""
        return any(n.changed for n in self.nodes) or any(e.changed for e in self.edges)

    @property
    def kinds(self) -> set[str]:
        return {n.kind for n in self.nodes}

    @property
    def walked(self) -> frozenset[tuple[str, str]]:
        """The (source, target) node pairs the call went along."""
        return frozenset(zip(self.visited, self.visited[1:], strict=False))
