"""Synthetic SOPs of any size, for the audit's tests and benchmarks.

A chain of ``size`` yes/no question steps: "yes" goes to the next step, "no" skips one,
so the number of answer paths grows like the Fibonacci numbers while the machine grows
linearly. python-statemachine's own final-reachability check is quadratic in the number
of states, so it is switched off here; the audit's termination check covers it linearly.
"""

from __future__ import annotations

from typing import Any

from statemachine.transition_list import TransitionList

from sopfsm.declare import NO, YES, Sop, Step, ask, outcome, when
from sopfsm.provenance import clause
from sopfsm.questions import URGENT
from sopfsm.text import Text


def synthetic_sop(size: int) -> type[Sop]:
    """A valid SOP class with ``size`` question steps and two outcomes."""
    steps: list[Step] = [ask(URGENT, per=clause("1b"), initial=index == 0) for index in range(size)]
    to_unit = outcome("APKT_TO_UNIT", per=clause("1e"))
    closed = outcome("APKT_ISSUE_CLOSED", per=clause("1f"))
    transitions = TransitionList()
    for index, step in enumerate(steps):
        after = steps[index + 1] if index + 1 < size else to_unit
        skip = steps[index + 2] if index + 2 < size else closed
        # add_transitions, not `|`, which copies the list each time (quadratic).
        transitions.add_transitions(step.to(after, cond=when(YES, per=clause("1e"))))
        transitions.add_transitions(step.to(skip, cond=when(NO, per=clause("1f"))))
    namespace: dict[str, Any] = {f"q{index:05d}": step for index, step in enumerate(steps)}
    namespace.update(
        sop_id=f"synthetic-{size}",
        clause_ref="1",
        title=Text(id=f"Sintetis {size}", en=f"Synthetic {size}"),
        validate_final_reachability=False,
        to_unit=to_unit,
        closed=closed,
        answer=transitions,
    )
    return type(f"Synthetic{size}", (Sop,), namespace)
