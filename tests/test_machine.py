"""A machine built from values still refuses a step a call could never leave, though
python-statemachine's own (quadratic) check of that is switched off."""

from __future__ import annotations

import attrs
import pytest

import sopfsm
from sopfsm.machine import build_machine


def test_a_built_machine_with_a_step_that_never_reaches_an_outcome_is_refused() -> None:
    spec = sopfsm.get_sop("lebih-tagih")
    reading = next(s for s in spec.steps if s.asks is not None and not s.initial)
    kept = tuple(s for s in spec.steps if s.outcome != "APKT_TO_UNIT")
    # The meter reading step now answers back to itself: a call there never ends.
    branches = tuple(
        attrs.evolve(b, target=reading.id) if b.source == reading.id else b for b in spec.branches
    )
    with pytest.raises(sopfsm.SopDefinitionError, match="no outcome can be reached"):
        build_machine(
            sop_id=spec.sop_id, clause=spec.clause, title=spec.title,
            steps=kept, branches=branches, version=spec.version, source=spec.source,
        )  # fmt: skip
