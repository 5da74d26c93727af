"""The declared view of a SOP machine: its steps and branches as plain values.

:func:`spec_of` reads a :class:`~sopfsm.declare.Sop` class once and checks that it is
declared in sopfsm's vocabulary. The call, the audit, the renderer and the CLI all read
this view, so they agree on what the machine is.
"""

from __future__ import annotations

import functools
from collections.abc import Callable

import attrs
from statemachine import StateMachine

from sopfsm.declare import ANSWER_EVENT, Branch, Script, Sop, Step
from sopfsm.errors import SopDefinitionError
from sopfsm.provenance import Provenance
from sopfsm.questions import Question
from sopfsm.text import Lang, Text


@attrs.frozen
class StepSpec:
    """A step of a SOP: what is said there, and what it asks or how the call ends."""

    id: str
    says: tuple[Script, ...]
    asks: Question | None
    outcome: str | None
    carries: tuple[str, ...]
    per: Provenance | None
    initial: bool

    @property
    def final(self) -> bool:
        return self.outcome is not None


@attrs.frozen
class BranchSpec:
    """A transition: from a question step to the next step, for the answers it matches.

    ``branch`` is None when the transition was not declared with :func:`~sopfsm.when`
    (the audit reports such a transition: its guard cannot be analysed or cited).
    """

    source: str
    target: str
    branch: Branch | None
    guard_names: tuple[str, ...]

    @property
    def per(self) -> Provenance | None:
        return self.branch.per if self.branch else None

    def matches(self, value: object) -> bool:
        return self.branch is not None and self.branch.matches(value)  # type: ignore[arg-type]


@attrs.frozen
class SopSpec:
    """A SOP as values: identity, steps in declaration order, and branches."""

    sop_id: str
    clause: str
    title: Text
    version: str
    source: str
    steps: tuple[StepSpec, ...]
    branches: tuple[BranchSpec, ...]
    machine: type[StateMachine] = attrs.field(eq=False, repr=False)
    scope: Text | None = None  # when the SOP applies; None: whenever its matter is raised
    # When this version takes effect, as written (sopfsm.versions reads it); None: at the
    # start of its version's date, WIT.
    effective: str | None = None
    _steps_by_id: dict[str, StepSpec] = attrs.field(init=False, eq=False, repr=False)
    _out: dict[str, tuple[BranchSpec, ...]] = attrs.field(init=False, eq=False, repr=False)
    _questions: dict[str, Question] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        # Indexes built once: a call looks steps, branches and questions up on every answer.
        object.__setattr__(self, "_steps_by_id", {s.id: s for s in self.steps})
        out: dict[str, list[BranchSpec]] = {s.id: [] for s in self.steps}
        for b in self.branches:
            out[b.source].append(b)
        object.__setattr__(self, "_out", {k: tuple(v) for k, v in out.items()})
        questions: dict[str, Question] = {}
        for s in self.steps:
            if s.asks is not None:
                questions.setdefault(s.asks.id, s.asks)
        object.__setattr__(self, "_questions", questions)

    @property
    def initial(self) -> StepSpec:
        return next(s for s in self.steps if s.initial)

    def step(self, step_id: str) -> StepSpec:
        """The step ``step_id``; ``KeyError`` if the SOP has none."""
        return self._steps_by_id[step_id]

    def has_step(self, step_id: str) -> bool:
        return step_id in self._steps_by_id

    def branches_from(self, step_id: str) -> tuple[BranchSpec, ...]:
        return self._out[step_id]

    @property
    def questions(self) -> tuple[Question, ...]:
        """Every question the SOP asks on some path, in declaration order."""
        return tuple(self._questions.values())

    def question(self, question_id: str) -> Question | None:
        return self._questions.get(question_id)


def spec_of(machine: type[StateMachine]) -> SopSpec:
    """The declared view of ``machine``, checked once and cached per class.

    Raises :class:`SopDefinitionError` when the class is not a :class:`Sop` built from
    :class:`Step` states, or a transition is on another event than ``answer``, leaves a
    final step, or leaves a step that asks nothing.
    """
    return _spec_of(machine)


@functools.cache
def _spec_of(machine: type[StateMachine]) -> SopSpec:
    name = getattr(machine, "sop_id", machine.__name__)
    if not (isinstance(machine, type) and issubclass(machine, Sop)):
        raise SopDefinitionError(name, "a SOP machine must subclass sopfsm.Sop")
    for attribute in ("sop_id", "clause_ref", "title"):
        if not hasattr(machine, attribute):
            raise SopDefinitionError(name, f"the class does not set {attribute!r}")
    steps: list[StepSpec] = []
    branches: list[BranchSpec] = []
    for state in machine.states:
        if not isinstance(state, Step):
            raise SopDefinitionError(name, f"state {state.id!r} is not a Step (use ask/outcome)")
        steps.append(
            StepSpec(
                id=state.id,
                says=state.says,
                asks=state.asks,
                outcome=state.outcome,
                carries=state.carries,
                per=state.per,
                initial=bool(state.initial),
            )
        )
        for transition in state.transitions:
            branches.append(_branch_spec(name, state, transition))
    return SopSpec(
        sop_id=machine.sop_id,
        clause=machine.clause_ref,
        title=machine.title,
        version=machine.version,
        source=machine.source,
        steps=tuple(steps),
        branches=tuple(branches),
        machine=machine,
        scope=getattr(machine, "scope", None),
        effective=getattr(machine, "effective", None),
    )


def _branch_spec(name: str, state: Step, transition: object) -> BranchSpec:
    source = state.id
    target = transition.target  # type: ignore[attr-defined]
    events = [str(e) for e in transition.events]  # type: ignore[attr-defined]
    if events != [ANSWER_EVENT]:
        raise SopDefinitionError(
            name, f"transition from {source!r} is on {events}, not on {ANSWER_EVENT!r}"
        )
    if target is None:
        raise SopDefinitionError(name, f"transition from {source!r} has no target")
    if state.asks is None:
        raise SopDefinitionError(name, f"step {source!r} has a branch but asks no question")
    funcs: list[Callable[..., object] | str] = [spec.func for spec in transition.cond]  # type: ignore[attr-defined]
    found = [f for f in funcs if isinstance(getattr(f, "sopfsm_branch", None), Branch)]
    branch = found[0].sopfsm_branch if len(found) == 1 and len(funcs) == 1 else None  # type: ignore[union-attr]
    guard_names = tuple(f if isinstance(f, str) else getattr(f, "__name__", repr(f)) for f in funcs)
    return BranchSpec(source, target.id, branch, guard_names)


def branch_label(question: Question, branch: Branch | None, lang: Lang) -> str:
    """The answers that take ``branch``, as a CSO reads them ("Ya", "Skema 1", "NIK sah")."""
    if branch is None:
        return "?"
    kind = question.kind
    if branch.values is None:
        return kind.label(kind.classes()[0].samples[0]).in_(lang)
    return " / ".join(kind.label(v).in_(lang) for v in branch.values)
