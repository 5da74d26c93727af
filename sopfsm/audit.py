"""The audit: proves, without a live call, that every answer path of a SOP ends in a valid
APKT outcome, over the finite classes of each question's answers.

python-statemachine checks only graph reachability at class creation. The audit also
checks what it cannot: that the guards of each question take exactly one branch for every
answer class, that every path terminates in a closed-set outcome within a bound, that
nothing sends the customer to the unit (clause 4), that every step cites its source, and
that each outcome carries what its clause requires. Every pass is linear in the size of
the SOP; paths are counted, and listed only when there are few enough to read.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

import attrs
from statemachine import StateMachine

from sopfsm._memory import collector_paused
from sopfsm.answer_paths import AnswerGraph
from sopfsm.compose import part_of
from sopfsm.declare import OUTCOME_CODES, REGULAR_SOP, Script
from sopfsm.errors import SopDefinitionError
from sopfsm.model import BranchSpec, SopSpec, StepSpec, spec_of
from sopfsm.provenance import Assumption, Clause, Provenance, is_known
from sopfsm.wording import kind_problem, sends_to_unit

MAX_LISTED_PATHS: Final = 500

# The names of the scope decisions (docs/reading.md#the-front-door-and-scope): where a
# clause's scope fails, the hand-off.
SCOPE_DECISION: Final = "scope-"
# The front door's matter outside this update, and the decision its hand-off cites.
OUTSIDE_UPDATE: Final = "outside_update"
OUTSIDE_UPDATE_DECISION: Final = "scope-outside-update"

# What each clause requires an APKT_TO_UNIT outcome to carry for the unit.
REQUIRED_BY_CLAUSE: Final[Mapping[str, tuple[str, ...]]] = {
    "5B": ("meter_reading",),
    "5A.2b": ("nik",),
}

CHECKS: Final[Mapping[str, str]] = {
    "declaration": "declared in sopfsm's vocabulary (Step states, when() branches)",
    "guards": "every answer class of every question takes exactly one branch",
    "termination": "every path ends in a final step within a bound (no dead end, no loop)",
    "outcomes": "every final step has an outcome of the closed set",
    "hand-off": "REGULAR_SOP ends only front-door paths where a scope fails; every matter is "
    "routed into a clause, but the one outside the update",
    "clause-4": "no path sends the customer to the unit",
    "provenance": "every step, script and branch cites a clause or a named assumption",
    "kinds": "no application action or note is given as something to say, nor the reverse",
    "required-data": "every outcome carries the answers its clause requires",
    "coverage": "every step and branch lies on some answer path",
}


@attrs.frozen
class Finding:
    """One fault: what is wrong, and the route of steps and answers that reaches it."""

    message: str
    route: tuple[str, ...] = ()


@attrs.frozen
class Check:
    """One check's verdict; ``skipped`` when an earlier fault makes it meaningless."""

    name: str
    findings: tuple[Finding, ...] = ()
    skipped: bool = False

    @property
    def title(self) -> str:
        return CHECKS[self.name]

    @property
    def passed(self) -> bool:
        return not self.findings and not self.skipped


@attrs.frozen
class PathRow:
    """One answer path: the answer classes given, in order, and where they lead."""

    answers: tuple[tuple[str, str], ...]
    steps: tuple[str, ...]
    outcome: str
    cites: tuple[str, ...]
    scripts: tuple[Script, ...]


@attrs.frozen
class AuditReport:
    """The audit of one SOP: its checks, path count, outcomes by count and path table."""

    sop_id: str
    checks: tuple[Check, ...]
    path_count: int | None
    outcome_counts: Mapping[str, int]
    paths: tuple[PathRow, ...] | None  # None when there are too many paths to list
    max_answers: int | None = None  # every call ends within this many answers

    @property
    def ok(self) -> bool:
        return all(check.passed for check in self.checks)

    def check(self, name: str) -> Check:
        return next(c for c in self.checks if c.name == name)

    @property
    def findings(self) -> tuple[tuple[str, Finding], ...]:
        return tuple((c.name, f) for c in self.checks for f in c.findings)


def audit(
    sop: SopSpec | type[StateMachine] | str, *, max_paths: int = MAX_LISTED_PATHS
) -> AuditReport:
    """Audit ``sop`` (a catalogue id, a declared SOP class, or its :class:`SopSpec`)."""
    if isinstance(sop, str):
        from sopfsm.catalogue import get_sop

        sop = get_sop(sop)
    if not isinstance(sop, SopSpec):
        try:
            sop = spec_of(sop)
        except SopDefinitionError as error:
            return _undeclared(error.sop, error)
    with collector_paused():
        return _Analysis(sop, max_paths).report()


def audit_all(max_paths: int = MAX_LISTED_PATHS) -> tuple[AuditReport, ...]:
    """Audit every bundled SOP."""
    from sopfsm.catalogue import all_sops

    return tuple(audit(sop, max_paths=max_paths) for sop in all_sops())


def _undeclared(sop_id: str, error: SopDefinitionError) -> AuditReport:
    checks = [Check("declaration", (Finding(error.problem),))]
    checks += [Check(name, skipped=True) for name in CHECKS if name != "declaration"]
    return AuditReport(sop_id, tuple(checks), None, {}, None)


class _Analysis:
    def __init__(self, sop: SopSpec, max_paths: int) -> None:
        self.sop = sop
        self.max_paths = max_paths
        self.graph = AnswerGraph(sop)
        # Branches by target, once: scanning all branches per outcome would be quadratic.
        self.incoming: dict[str, list[BranchSpec]] = {}
        for branch in sop.branches:
            self.incoming.setdefault(branch.target, []).append(branch)

    def report(self) -> AuditReport:
        graph = self.graph
        checks = [
            Check("declaration"),
            Check("guards", tuple(self.guards())),
            Check("termination", tuple(self.termination())),
            Check("outcomes", tuple(self.outcomes())),
            Check("hand-off", tuple(self.hand_off())),
            Check("clause-4", tuple(self.clause_4())),
            Check("provenance", tuple(self.provenance())),
            Check("kinds", tuple(self.kinds())),
        ]
        if graph.cyclic:  # no bound on the paths: nothing to count or require along them
            checks += [Check("required-data", skipped=True), Check("coverage", self.coverage())]
            return AuditReport(self.sop.sop_id, tuple(checks), None, {}, None)
        checks += [Check("required-data", self.required_data()), Check("coverage", self.coverage())]
        by_outcome = graph.count_paths()
        count = sum(by_outcome.values())
        paths = self.list_paths() if count <= self.max_paths else None
        return AuditReport(
            self.sop.sop_id, tuple(checks), count, dict(by_outcome), paths, graph.longest_path()
        )

    def guards(self) -> list[Finding]:
        findings = []
        for message, step_id, answer in self.graph.guard_faults:
            route = self.graph.route(step_id) + ((answer,) if answer else ())
            findings.append(Finding(message, route))
        return findings

    def termination(self) -> list[Finding]:
        graph = self.graph
        findings = []
        for step_id in graph.parent:
            step = self.sop.step(step_id)
            if not step.final and not self.sop.branches_from(step_id):
                asks = f"asks {step.asks.id!r} but " if step.asks else ""
                message = f"dead end: step {step_id!r} {asks}has no branch"
                findings.append(Finding(message, graph.route(step_id)))
        for cycle in graph.cycles():
            loop = " -> ".join(cycle)
            if any(self.sop.step(s).final for s in graph.breadth_first(cycle[0])):
                message = f"unbounded: answers can loop {loop} forever"
            else:
                message = f"loop with no exit: {loop} never reaches an outcome"
            findings.append(Finding(message, graph.route(cycle[0])))
        return findings

    def outcomes(self) -> list[Finding]:
        return [
            Finding(
                f"invalid outcome {step.outcome!r} at step {step.id!r}; the closed set is "
                f"{', '.join(OUTCOME_CODES)} (and the hand-off {REGULAR_SOP} at a front door)",
                self.graph.route(step.id),
            )
            for step in self.sop.steps
            if step.final and step.outcome not in (*OUTCOME_CODES, REGULAR_SOP)
        ]

    def hand_off(self) -> list[Finding]:
        """Only the front door ends in REGULAR_SOP, and only where a scope fails
        (docs/reading.md#the-front-door-and-scope)."""
        sop, graph = self.sop, self.graph
        has_door = part_of(sop.initial.id) is None and any(part_of(s.id) for s in sop.steps)
        findings = []
        for step in sop.steps:
            if step.outcome != REGULAR_SOP:
                continue
            route = graph.route(step.id)
            inside = part_of(step.id)
            if not has_door or inside is not None:
                where = f"inside SOP {inside!r}" if inside else "in a SOP with no front door"
                message = (
                    f"hand-off {REGULAR_SOP} at step {step.id!r} is {where}; "
                    "only the front door may hand off"
                )
                findings.append(Finding(message, route))
                continue
            for branch in self.incoming.get(step.id, ()):
                source = part_of(branch.source)
                if source is not None:
                    message = (
                        f"hand-off {REGULAR_SOP} at step {step.id!r} is reached from inside "
                        f"SOP {source!r} (step {branch.source!r}); only the front door may "
                        "hand off"
                    )
                    findings.append(Finding(message, graph.route(branch.source)))
                elif not _is_scope_decision(branch.per):
                    message = (
                        f"hand-off {REGULAR_SOP} at step {step.id!r} is reached from "
                        f"{branch.source!r} citing {_cite_label(branch.per)}, not a scope "
                        "decision (A:scope-...): it may end a call only where a scope fails"
                    )
                    findings.append(Finding(message, graph.route(branch.source)))
        if has_door:
            findings += self._matters_routed()
        return findings

    def _matters_routed(self) -> list[Finding]:
        # Every matter the front door asks must reach some clause's APKT outcome.
        graph, start = self.graph, self.sop.initial.id
        findings = []
        for question, label, branch in graph.edges[start]:
            if _is_outside_update(branch):
                continue
            reached = graph.breadth_first(branch.target)
            if not any(
                part_of(s) is not None and self.sop.step(s).outcome in OUTCOME_CODES
                for s in reached
            ):
                message = (
                    f"matter {question}={label} is routed nowhere: from step "
                    f"{branch.target!r} no path reaches a clause's APKT outcome"
                )
                findings.append(Finding(message, (start, f"{question}={label}", branch.target)))
        return findings

    def clause_4(self) -> list[Finding]:
        findings = []
        for step in self.sop.steps:
            if step.final and "UNIT" in str(step.outcome) and step.outcome not in OUTCOME_CODES:
                message = (
                    f"outcome {step.outcome!r} at step {step.id!r} sends the customer to the "
                    "unit; clause 4: send the report via APKT instead"
                )
                findings.append(Finding(message, self.graph.route(step.id)))
            for script in step.says:
                text = next((t for t in (script.text.id, script.text.en) if sends_to_unit(t)), None)
                if text is not None:
                    message = (
                        f"step {step.id!r} tells the customer to go to the unit ({text!r}); "
                        "clause 4 forbids it"
                    )
                    # Routes are built only for faults: one per step would be quadratic.
                    findings.append(Finding(message, self.graph.route(step.id)))
        return findings

    def provenance(self) -> list[Finding]:
        findings = []
        for step in self.sop.steps:
            cited = [("step", step.per)] + [("a script", s.per) for s in step.says]
            for what, per in cited:
                if per is None or not is_known(per):
                    message = f"{what} of step {step.id!r} cites {_cite(per)}"
                    findings.append(Finding(message, self.graph.route(step.id)))
        for branch in self.sop.branches:
            if branch.per is None or not is_known(branch.per):
                message = f"branch {branch.source} -> {branch.target} cites {_cite(branch.per)}"
                findings.append(Finding(message, self.graph.route(branch.source)))
        return findings

    def kinds(self) -> list[Finding]:
        findings = []
        for step in self.sop.steps:
            for script in step.says:
                problem = kind_problem(script)
                if problem is not None:
                    message = f"step {step.id!r}: {problem} ({script.text.id!r})"
                    findings.append(Finding(message, self.graph.route(step.id)))
        return findings

    def required_data(self) -> tuple[Finding, ...]:
        graph = self.graph
        # The questions answered on every path to a step: a forward pass in topological order.
        answered: dict[str, frozenset[str]] = {self.sop.initial.id: frozenset()}
        for step_id in graph.order:
            for question, _, branch in graph.edges[step_id]:
                known = answered[step_id] | {question}
                target = branch.target
                answered[target] = answered[target] & known if target in answered else known
        findings = []
        for step in self.sop.steps:
            if not step.final:
                continue
            for question in self._required_by_clause(step):
                if question not in step.carries:
                    message = (
                        f"outcome {step.outcome} at step {step.id!r} does not carry "
                        f"{question!r}, which its clause requires"
                    )
                    findings.append(Finding(message, graph.route(step.id)))
            for question in step.carries:
                if step.id in answered and question not in answered[step.id]:
                    skipping = graph.breadth_first(self.sop.initial.id, avoid=question)
                    message = (
                        f"outcome {step.outcome} at step {step.id!r} must carry {question!r}, "
                        "but a path reaches it without asking it"
                    )
                    findings.append(Finding(message, graph.route(step.id, skipping)))
        return tuple(findings)

    def _required_by_clause(self, step: StepSpec) -> tuple[str, ...]:
        if step.outcome != "APKT_TO_UNIT":
            return ()
        cites = {step.per} | {b.per for b in self.incoming.get(step.id, ())}
        refs = {per.ref for per in cites if isinstance(per, Clause)}
        return tuple(q for ref, qs in REQUIRED_BY_CLAUSE.items() if ref in refs for q in qs)

    def coverage(self) -> tuple[Finding, ...]:
        graph = self.graph
        taken = {branch for edges in graph.edges.values() for _, _, branch in edges}
        findings = [
            Finding(f"step {step.id!r} lies on no answer path (unreachable)")
            for step in self.sop.steps
            if step.id not in graph.parent
        ]
        findings += [
            Finding(f"branch {b.source} -> {b.target} is taken by no answer", graph.route(b.source))
            for b in self.sop.branches
            if b.source in graph.parent and b not in taken
        ]
        return tuple(findings)

    def list_paths(self) -> tuple[PathRow, ...]:
        rows = []
        for answers, steps, branches in self.graph.walk_paths():
            cites: dict[str, None] = {}
            scripts: list[Script] = []
            for index, step_id in enumerate(steps):
                step = self.sop.step(step_id)
                scripts += step.says
                cited = [s.per for s in step.says] + [step.per]
                if index < len(branches):
                    cited.append(branches[index].per)
                cites.update((per.label, None) for per in cited if per is not None)
            outcome = str(self.sop.step(steps[-1]).outcome)
            rows.append(
                PathRow(tuple(answers), tuple(steps), outcome, tuple(cites), tuple(scripts))
            )
        return tuple(rows)


def _is_outside_update(branch: BranchSpec) -> bool:
    # The one matter that reaches no clause by design (READING.md, round 3): it hands off,
    # citing its own decision, and no other matter may cite that decision to escape.
    return (
        branch.branch is not None
        and branch.branch.values == (OUTSIDE_UPDATE,)
        and isinstance(branch.per, Assumption)
        and branch.per.name == OUTSIDE_UPDATE_DECISION
    )


def _is_scope_decision(per: Provenance | None) -> bool:
    return isinstance(per, Assumption) and per.name.startswith(SCOPE_DECISION)


def _cite_label(per: Provenance | None) -> str:
    return "nothing" if per is None else per.label


def _cite(per: object) -> str:
    return "nothing" if per is None else f"unknown {per!r}"
