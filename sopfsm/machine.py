"""Build a SOP machine class from plain values, for SOPs that are not written as classes.

A SOP read from a file, or composed from other SOPs (a front door that continues into
each clause's SOP), exists first as :class:`~sopfsm.model.StepSpec` and
:class:`~sopfsm.model.BranchSpec` values. :func:`build_machine` declares from them the same
strict python-statemachine class a SOP author would write by hand, so the call, the audit
and the renderer cannot tell the two apart: :func:`~sopfsm.model.spec_of` of the result
equals the values it was built from.
"""

from __future__ import annotations

import keyword
from collections.abc import Sequence
from typing import Any

from statemachine.transition_list import TransitionList

from sopfsm.clauses import EFFECTIVE_DATE, SOURCE_DOCUMENT
from sopfsm.declare import ANSWER_EVENT, ANY, Sop, Step, when
from sopfsm.errors import SopDefinitionError
from sopfsm.model import BranchSpec, StepSpec
from sopfsm.text import Text

# Names a step cannot take: they would shadow the machine's own API or the event.
_RESERVED = frozenset({ANSWER_EVENT, *dir(Sop)})


def build_machine(
    *,
    sop_id: str,
    clause: str,
    title: Text,
    steps: Sequence[StepSpec],
    branches: Sequence[BranchSpec],
    version: str = EFFECTIVE_DATE,
    source: str = SOURCE_DOCUMENT,
    class_name: str | None = None,
    scope: Text | None = None,
    effective: str | None = None,
) -> type[Sop]:
    """A :class:`~sopfsm.declare.Sop` subclass with these steps and branches.

    Steps keep their order (the first ``initial`` one starts the call); each branch
    becomes a transition on ``answer`` guarded by :func:`~sopfsm.declare.when` with the
    branch's values and provenance. Raises :class:`SopDefinitionError` for a step id that
    is not a Python identifier or is reserved, a duplicate step, or a branch between
    steps that do not exist; python-statemachine's own class checks (unreachable steps,
    trap steps) raise it too.
    """
    namespace: dict[str, Any] = {
        "sop_id": sop_id,
        "clause_ref": clause,
        "title": title,
        "version": version,
        "source": source,
        "scope": scope,
        "effective": effective,
        "__module__": __name__,
        # python-statemachine's own check is quadratic in the steps; the linear one below
        # refuses the same machines.
        "validate_final_reachability": False,
        "__qualname__": class_name or _class_name(sop_id),
    }
    states: dict[str, Step] = {}
    for step in steps:
        if not step.id.isidentifier() or keyword.iskeyword(step.id) or step.id in _RESERVED:
            raise SopDefinitionError(sop_id, f"step id {step.id!r} is not a usable identifier")
        if step.id in states:
            raise SopDefinitionError(sop_id, f"step {step.id!r} is declared twice")
        states[step.id] = Step(
            says=step.says,
            asks=step.asks,
            outcome=step.outcome,
            carries=step.carries,
            per=step.per,
            initial=step.initial,
        )
    namespace.update(states)
    transitions = TransitionList()
    for branch in branches:
        source_state, target_state = states.get(branch.source), states.get(branch.target)
        if source_state is None or target_state is None:
            missing = branch.source if source_state is None else branch.target
            raise SopDefinitionError(
                sop_id, f"branch {branch.source!r} -> {branch.target!r}: no step {missing!r}"
            )
        if branch.branch is None:
            raise SopDefinitionError(
                sop_id, f"branch {branch.source!r} -> {branch.target!r} has no answers"
            )
        values = branch.branch.values
        guard = (
            when(ANY, per=branch.branch.per)
            if values is None
            else when(*values, per=branch.branch.per)
        )
        # add_transitions, not `|`, which copies the list each time (quadratic).
        transitions.add_transitions(source_state.to(target_state, cond=guard))
    if branches:
        namespace[ANSWER_EVENT] = transitions
    try:
        machine = type(namespace["__qualname__"], (Sop,), namespace)
    except SopDefinitionError:
        raise
    except Exception as error:  # python-statemachine's InvalidDefinition and kin
        raise SopDefinitionError(sop_id, str(error)) from error
    _check_outcomes_reachable(sop_id, steps, branches)
    return machine


def _check_outcomes_reachable(
    sop_id: str, steps: Sequence[StepSpec], branches: Sequence[BranchSpec]
) -> None:
    """Refuse a step from which no outcome can be reached: a call there never ends."""
    leading_to: dict[str, list[str]] = {}
    for branch in branches:
        leading_to.setdefault(branch.target, []).append(branch.source)
    ending = [step.id for step in steps if step.outcome is not None]
    if not ending:
        return  # python-statemachine's trap-state check refuses such a machine
    reached = set(ending)
    frontier = list(ending)
    while frontier:
        for source in leading_to.get(frontier.pop(), ()):
            if source not in reached:
                reached.add(source)
                frontier.append(source)
    stuck = [step.id for step in steps if step.id not in reached]
    if stuck:
        raise SopDefinitionError(
            sop_id, f"no outcome can be reached from step(s) {', '.join(map(repr, stuck[:10]))}"
        )


def _class_name(sop_id: str) -> str:
    words = "".join(c if c.isalnum() else " " for c in sop_id).split()
    return "".join(w[:1].upper() + w[1:] for w in words) or "Sop"
