"""A SOP built from values is the same machine as the one declared by hand."""

from __future__ import annotations

import attrs
import pytest

import sopfsm
from sopfsm.audit import audit
from sopfsm.catalogue import all_sops
from sopfsm.machine import build_machine
from sopfsm.model import SopSpec


def _rebuild(spec: SopSpec, **changes: object) -> type[sopfsm.Sop]:
    fields = {
        "sop_id": spec.sop_id,
        "clause": spec.clause,
        "title": spec.title,
        "steps": spec.steps,
        "branches": spec.branches,
        "version": spec.version,
        "source": spec.source,
        "scope": spec.scope,
    }
    fields.update(changes)
    return build_machine(**fields)  # type: ignore[arg-type]


@pytest.mark.parametrize("spec", all_sops(), ids=lambda s: s.sop_id)
def test_rebuilding_a_bundled_sop_gives_the_same_spec_and_audit(spec: SopSpec) -> None:
    rebuilt = sopfsm.spec_of(_rebuild(spec))
    assert rebuilt == spec
    assert rebuilt.machine is not spec.machine
    assert audit(rebuilt).paths == audit(spec).paths


def test_a_branch_to_a_missing_step_is_refused_by_name() -> None:
    spec = sopfsm.get_sop("lebih-tagih")
    broken = (*spec.branches[:-1], attrs.evolve(spec.branches[-1], target="nowhere"))
    with pytest.raises(sopfsm.SopDefinitionError, match="no step 'nowhere'"):
        _rebuild(spec, branches=broken)


@pytest.mark.parametrize("bad_id", ["answer", "send", "class", "two words", ""])
def test_a_step_id_that_is_no_usable_identifier_is_refused(bad_id: str) -> None:
    spec = sopfsm.get_sop("lebih-tagih")
    steps = (attrs.evolve(spec.steps[-1], id=bad_id), *spec.steps[:-1])
    with pytest.raises(sopfsm.SopDefinitionError, match="not a usable identifier"):
        _rebuild(spec, steps=steps)


def test_a_step_no_branch_reaches_is_refused_by_python_statemachine() -> None:
    spec = sopfsm.get_sop("lebih-tagih")
    with pytest.raises(sopfsm.SopDefinitionError, match="unreachable"):
        _rebuild(spec, branches=spec.branches[:1])


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
