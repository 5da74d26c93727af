"""Compose SOPs into one: a front door of its own steps that continues into each part.

A part's steps keep their ids under the part's namespace (``turun_daya__ask_nik``), so
they stay valid identifiers, stay readable, and never collide across parts; the front
door's own steps carry no namespace. The result is built with
:func:`~sopfsm.machine.build_machine`: the call, audit, renderer and saved calls see an
ordinary SOP with one history, one path and one outcome.
"""

from __future__ import annotations

from collections.abc import Sequence

import attrs

from sopfsm.declare import Sop
from sopfsm.machine import build_machine
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.text import Text

SEPARATOR = "__"


def namespace(sop_id: str) -> str:
    """The prefix of a part's steps: its SOP id as an identifier (``turun_daya``)."""
    return sop_id.replace("-", "_")


def composed_id(sop_id: str, step_id: str) -> str:
    return f"{namespace(sop_id)}{SEPARATOR}{step_id}"


def entry(part: SopSpec) -> str:
    """The composed id of ``part``'s first step: where the front door continues into it."""
    return composed_id(part.sop_id, part.initial.id)


def part_of(step_id: str) -> str | None:
    """The namespace of the part a composed step belongs to; None for the front door's own."""
    name, separator, _ = step_id.partition(SEPARATOR)
    return name if separator else None


def compose(
    *,
    sop_id: str,
    clause: str,
    title: Text,
    steps: Sequence[StepSpec],
    branches: Sequence[BranchSpec],
    parts: Sequence[SopSpec],
    scope: Text | None = None,
) -> type[Sop]:
    """A SOP of the front door ``steps`` and ``branches`` followed by every part.

    The front door's branches reach a part through :func:`entry`. Each part comes in whole
    and unchanged but for its namespaced ids; its first step is no longer initial.
    """
    composed = list(steps)
    linked = list(branches)
    for part in parts:
        composed += [
            attrs.evolve(step, id=composed_id(part.sop_id, step.id), initial=False)
            for step in part.steps
        ]
        linked += [
            attrs.evolve(
                branch,
                source=composed_id(part.sop_id, branch.source),
                target=composed_id(part.sop_id, branch.target),
            )
            for branch in part.branches
        ]
    return build_machine(
        sop_id=sop_id, clause=clause, title=title, steps=composed, branches=linked, scope=scope
    )
