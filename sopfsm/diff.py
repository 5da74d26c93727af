"""What changed between two SOPs, by their answer paths rather than their text.

Two versions of a SOP are compared as a trainer or an auditor reads them: which answer
paths (the answer classes given, in order) are unchanged, gone, new, or changed in their
outcome, in what the outcome carries, in the questions asked, or in what the CSO says,
does or notes on the way; which steps, branches and questions changed, with both texts;
and which clauses and assumptions are cited differently.

A path of either version is named by its answers. Both machines are walked together from
their first steps, answer class by answer class, so the comparison is linear in the pairs
of steps the same answers reach (about the size of the SOPs), not in the number of paths,
which grows exponentially: paths are counted always, and listed only when few enough.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from typing import Any, Final

import attrs

from sopfsm.answer_paths import AnswerGraph
from sopfsm.declare import KIND_WORDS, Script
from sopfsm.errors import SopDefinitionError
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.provenance import Provenance
from sopfsm.questions import Question

MAX_LISTED_PATHS: Final = 500  # per version; beyond it paths are counted, not listed

# What a path can change in, in the order they are reported.
PATH_CHANGES: Final = ("outcome", "carries", "questions", "says", "steps")
PATH_STATUSES: Final = ("unchanged", "changed", "gone", "new")

Answers = tuple[tuple[str, str], ...]  # (question id, answer class label), in order


@attrs.frozen
class Change:
    """One field of a step, branch or question, before and after (None: not there)."""

    what: str
    old: str | None
    new: str | None


@attrs.frozen
class StepChange:
    """A step (by id) that is gone, new, or changed in some of its fields."""

    step: str
    status: str  # "gone", "new" or "changed"
    changes: tuple[Change, ...] = ()


@attrs.frozen
class BranchChange:
    """Where an answer class of a step leads, or what it cites, before and after."""

    step: str
    answer: str  # "question=label"
    old_target: str | None
    new_target: str | None
    old_per: str | None
    new_per: str | None


@attrs.frozen
class QuestionChange:
    """A question (by id) added, removed, reworded or given another answer type."""

    question: str
    status: str  # "added", "removed", "reworded" or "retyped"
    old: str | None
    new: str | None


@attrs.frozen
class PathDiff:
    """One answer path of either version and what became of it.

    ``changes`` names what changed (of :data:`PATH_CHANGES`) and ``at`` the steps where
    it did (``old -> new`` when the same answers reach a step of another id)."""

    answers: Answers
    status: str
    old_outcome: str | None
    new_outcome: str | None
    changes: tuple[str, ...] = ()
    at: tuple[str, ...] = ()


@attrs.frozen
class SopDiff:
    """The comparison of two SOPs; :attr:`same` when nothing a call or an audit sees differs."""

    old_id: str
    old_version: str
    new_id: str
    new_version: str
    path_counts: Mapping[str, int]
    paths: tuple[PathDiff, ...] | None  # None when there are too many to list
    steps: tuple[StepChange, ...]
    branches: tuple[BranchChange, ...]
    questions: tuple[QuestionChange, ...]
    cites_removed: tuple[str, ...]
    cites_added: tuple[str, ...]

    @property
    def same_sop(self) -> bool:
        return self.old_id == self.new_id

    @property
    def same(self) -> bool:
        changed = self.path_counts["changed"] + self.path_counts["gone"] + self.path_counts["new"]
        return not (
            changed
            or self.steps
            or self.branches
            or self.questions
            or self.cites_removed
            or self.cites_added
        )


def diff_sops(old: SopSpec, new: SopSpec, *, max_paths: int = MAX_LISTED_PATHS) -> SopDiff:
    """Compare ``old`` with ``new``; :class:`SopDefinitionError` when answers can loop in
    either (a loop has endless paths: audit the SOP first)."""
    old_graph, new_graph = _graph(old), _graph(new)
    walk = _PairWalk(old_graph, new_graph)
    counts = walk.counts()
    listed = (
        sum(old_graph.count_paths().values()) <= max_paths
        and sum(new_graph.count_paths().values()) <= max_paths
    )
    return SopDiff(
        old_id=old.sop_id,
        old_version=old.version,
        new_id=new.sop_id,
        new_version=new.version,
        path_counts=counts,
        paths=tuple(walk.paths()) if listed else None,
        steps=tuple(_step_changes(old, new)),
        branches=tuple(_branch_changes(old_graph, new_graph)),
        questions=tuple(_question_changes(old, new)),
        cites_removed=tuple(c for c in _cited(old) if c not in _cited(new)),
        cites_added=tuple(c for c in _cited(new) if c not in _cited(old)),
    )


def _graph(sop: SopSpec) -> AnswerGraph:
    graph = AnswerGraph(sop)
    if graph.cyclic:
        loop = " -> ".join(next(graph.cycles()))
        raise SopDefinitionError(
            sop.sop_id,
            f"answers can loop {loop}, so its paths are endless; "
            "the diff compares SOPs whose every path ends (run sopfsm audit)",
        )
    return graph


# ----------------------------------------------------------------------------- steps


def _label(per: Provenance | None) -> str | None:
    return None if per is None else per.label


def _script(script: Script) -> str:
    return f"{KIND_WORDS[script.kind].en}: {script.text.id} / {script.text.en}"


def _question(question: Question | None) -> str | None:
    if question is None:
        return None
    answers = ", ".join(c.label for c in question.kind.classes())
    return f"{question.id}: {question.prompt.id} / {question.prompt.en} [{answers}]"


def _kind_key(question: Question) -> tuple[str, tuple[str, ...]]:
    return type(question.kind).__name__, tuple(c.label for c in question.kind.classes())


def _same_question(a: Question | None, b: Question | None) -> bool:
    if a is None or b is None:
        return a is b
    return a == b and _kind_key(a) == _kind_key(b)


def _field_changes(old: StepSpec, new: StepSpec) -> list[Change]:
    changes = []
    if old.outcome != new.outcome:
        changes.append(Change("outcome", old.outcome, new.outcome))
    if old.carries != new.carries:
        changes.append(Change("carries", ", ".join(old.carries), ", ".join(new.carries)))
    if not _same_question(old.asks, new.asks):
        changes.append(Change("asks", _question(old.asks), _question(new.asks)))
    for before, after in itertools.zip_longest(old.says, new.says):
        if (
            before is None
            or after is None
            or (before.kind, before.text) != (after.kind, after.text)
        ):
            changes.append(
                Change(
                    "says",
                    None if before is None else _script(before),
                    None if after is None else _script(after),
                )
            )
    if _cites(old) != _cites(new):
        changes.append(Change("cites", _cites(old), _cites(new)))
    return changes


def _said(script: Script) -> tuple[object, ...]:
    return (script.kind, script.text)


def _cites(step: StepSpec) -> str:
    """What a step and each of its scripts cite: ``step 5B; script 1 A:name``."""
    parts = [f"step {_label(step.per)}"]
    parts += [f"script {n} {_label(s.per)}" for n, s in enumerate(step.says, 1)]
    return "; ".join(parts)


def _step_changes(old: SopSpec, new: SopSpec) -> Iterator[StepChange]:
    for step in old.steps:
        if not new.has_step(step.id):
            yield StepChange(step.id, "gone")
            continue
        changes = _field_changes(step, new.step(step.id))
        if changes:
            yield StepChange(step.id, "changed", tuple(changes))
    for step in new.steps:
        if not old.has_step(step.id):
            yield StepChange(step.id, "new")


def _edges(graph: AnswerGraph, step_id: str) -> dict[str, BranchSpec]:
    return {f"{q}={label}": branch for q, label, branch in graph.edges[step_id]}


def _branch_changes(old: AnswerGraph, new: AnswerGraph) -> Iterator[BranchChange]:
    """Where an answer class leads from a step both versions have (a step gone or new
    is reported as such, not branch by branch)."""
    for step in old.sop.steps:
        if not new.sop.has_step(step.id):
            continue
        before, after = _edges(old, step.id), _edges(new, step.id)
        for answer in [*before, *(a for a in after if a not in before)]:
            b, a = before.get(answer), after.get(answer)
            targets = (b.target if b else None, a.target if a else None)
            pers = (_label(b.per) if b else None, _label(a.per) if a else None)
            if targets[0] != targets[1] or pers[0] != pers[1]:
                yield BranchChange(step.id, answer, *targets, *pers)


def _question_changes(old: SopSpec, new: SopSpec) -> Iterator[QuestionChange]:
    for question in old.questions:
        after = new.question(question.id)
        if after is None:
            yield QuestionChange(question.id, "removed", _question(question), None)
        elif question.prompt != after.prompt:
            yield QuestionChange(question.id, "reworded", _question(question), _question(after))
        elif _kind_key(question) != _kind_key(after):
            yield QuestionChange(question.id, "retyped", _question(question), _question(after))
    for question in new.questions:
        if old.question(question.id) is None:
            yield QuestionChange(question.id, "added", None, _question(question))


def _cited(sop: SopSpec) -> dict[str, None]:
    cited: dict[str, None] = {}
    for step in sop.steps:
        for per in (step.per, *(s.per for s in step.says)):
            if per is not None:
                cited[per.label] = None
    for branch in sop.branches:
        if branch.per is not None:
            cited[branch.per.label] = None
    return cited


# ----------------------------------------------------------------------------- paths


def _path_changes(old: StepSpec, new: StepSpec) -> tuple[str, ...]:
    """What a path going through ``old`` in one version and ``new`` in the other changes."""
    found = set()
    if old.id != new.id:
        found.add("steps")
    if old.outcome != new.outcome:
        found.add("outcome")
    if old.carries != new.carries:
        found.add("carries")
    if not _same_question(old.asks, new.asks):
        found.add("questions")
    if [(s.kind, s.text) for s in old.says] != [(s.kind, s.text) for s in new.says]:
        found.add("says")
    return tuple(c for c in PATH_CHANGES if c in found)


def _place(old: str, new: str) -> str:
    return old if old == new else f"{old} -> {new}"


Pair = tuple[str, str]


class _PairWalk:
    """Both answer graphs walked together: a pair of steps is what the same answers reach."""

    def __init__(self, old: AnswerGraph, new: AnswerGraph) -> None:
        self.old = old
        self.new = new

    def joint(self, pair: Pair) -> tuple[list[tuple[str, Pair]], list[str], list[str]]:
        """From ``pair``: the answers both versions take on (and the pair they reach), the
        old steps only the old version reaches (gone) and the new only the new (new)."""
        old_id, new_id = pair
        old_step, new_step = self.old.sop.step(old_id), self.new.sop.step(new_id)
        before, after = _edges(self.old, old_id), _edges(self.new, new_id)
        if old_step.final or new_step.final or old_step.asks is None or new_step.asks is None:
            return [], [b.target for b in before.values()], [a.target for a in after.values()]
        if old_step.asks.id != new_step.asks.id:
            return [], [b.target for b in before.values()], [a.target for a in after.values()]
        both = [
            (answer, (b.target, after[answer].target))
            for answer, b in before.items()
            if answer in after
        ]
        gone = [b.target for answer, b in before.items() if answer not in after]
        new = [a.target for answer, a in after.items() if answer not in before]
        return both, gone, new

    def counts(self) -> dict[str, int]:
        """The paths by status, summed over pairs in reverse topological order."""
        old_counts = _paths_from(self.old)
        new_counts = _paths_from(self.new)
        start = (self.old.sop.initial.id, self.new.sop.initial.id)
        # Pairs in depth-first post-order, so each is summed after the pairs it leads to.
        order: list[Pair] = []
        seen = {start}
        stack: list[tuple[Pair, Iterator[Pair]]] = [(start, iter(self._next(start)))]
        while stack:
            pair, following = stack[-1]
            for nxt in following:
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, iter(self._next(nxt))))
                    break
            else:
                stack.pop()
                order.append(pair)
        # (unchanged, changed, gone, new) from a pair reached by an unchanged prefix.
        sums: dict[Pair, tuple[int, int, int, int]] = {}
        for pair in order:
            old_step = self.old.sop.step(pair[0])
            new_step = self.new.sop.step(pair[1])
            both, gone_targets, new_targets = self.joint(pair)
            same = changed = 0
            gone = sum(old_counts[t] for t in gone_targets)
            new = sum(new_counts[t] for t in new_targets)
            if old_step.final and new_step.final:
                same = 1
            elif old_step.final:
                gone += 1
            elif new_step.final:
                new += 1
            for _, nxt in both:
                s, c, g, n = sums[nxt]
                same, changed, gone, new = same + s, changed + c, gone + g, new + n
            if _path_changes(old_step, new_step):
                same, changed = 0, same + changed
            sums[pair] = (same, changed, gone, new)
        return dict(zip(PATH_STATUSES, sums[start], strict=True))

    def _next(self, pair: Pair) -> list[Pair]:
        return [nxt for _, nxt in self.joint(pair)[0]]

    def paths(self) -> Iterator[PathDiff]:
        """Every path of either version, answer classes in order."""
        start = (self.old.sop.initial.id, self.new.sop.initial.id)
        stack: list[tuple[Pair, Answers, tuple[str, ...], tuple[str, ...]]] = [(start, (), (), ())]
        while stack:
            pair, answers, changes, at = stack.pop()
            old_step, new_step = self.old.sop.step(pair[0]), self.new.sop.step(pair[1])
            here = _path_changes(old_step, new_step)
            if here:
                changes = tuple(c for c in PATH_CHANGES if c in changes or c in here)
                at = (*at, _place(*pair))
            if old_step.final and new_step.final:
                status = "changed" if changes else "unchanged"
                yield PathDiff(answers, status, old_step.outcome, new_step.outcome, changes, at)
                continue
            both, _, _ = self.joint(pair)
            shared = {answer for answer, _ in both}
            yield from self._alone(self.old, pair[0], answers, shared, "gone")
            yield from self._alone(self.new, pair[1], answers, shared, "new")
            for answer, nxt in reversed(both):
                question, label = answer.split("=", 1)
                stack.append((nxt, (*answers, (question, label)), changes, at))

    def _alone(
        self, graph: AnswerGraph, step_id: str, prefix: Answers, shared: set[str], status: str
    ) -> Iterator[PathDiff]:
        """The paths from ``step_id`` of one version whose answers the other has not."""
        step = graph.sop.step(step_id)
        if step.final:
            if not shared:
                yield _one_sided(prefix, status, step.outcome)
            return
        for question, label, branch in graph.edges[step_id]:
            if f"{question}={label}" in shared:
                continue
            for answers, steps, _ in _walk_from(graph, branch.target):
                outcome = graph.sop.step(steps[-1]).outcome
                yield _one_sided((*prefix, (question, label), *answers), status, outcome)


def _one_sided(answers: Answers, status: str, outcome: str | None) -> PathDiff:
    if status == "gone":
        return PathDiff(answers, status, outcome, None)
    return PathDiff(answers, status, None, outcome)


def _walk_from(graph: AnswerGraph, start: str) -> Iterator[tuple[Answers, list[str], None]]:
    stack: list[tuple[str, Answers, list[str]]] = [(start, (), [start])]
    while stack:
        step_id, answers, steps = stack.pop()
        if graph.sop.step(step_id).final:
            yield answers, steps, None
            continue
        for question, label, branch in reversed(graph.edges[step_id]):
            stack.append((branch.target, (*answers, (question, label)), [*steps, branch.target]))


def _paths_from(graph: AnswerGraph) -> dict[str, int]:
    """How many paths lead from each step to an outcome."""
    counts: dict[str, int] = {}
    for step_id in reversed(graph.order):
        step = graph.sop.step(step_id)
        counts[step_id] = (1 if step.final else 0) + sum(
            counts[b.target] for _, _, b in graph.edges[step_id]
        )
    return counts


# ---------------------------------------------------------------------------- output


def _answers_text(answers: Answers) -> str:
    return ", ".join(f"{q}={label}" for q, label in answers) or "(no answer)"


def format_diff(diff: SopDiff) -> str:
    """The diff for a terminal: paths, then steps, branches, questions and citations."""
    lines = [f"--- {diff.old_id} {diff.old_version}", f"+++ {diff.new_id} {diff.new_version}"]
    if not diff.same_sop:
        lines.append(
            f"Note: these are two different SOPs ({diff.old_id} and {diff.new_id}), "
            "compared by their answer paths all the same."
        )
    if diff.same:
        lines.append("No difference: every answer path, step, question and citation is the same.")
        return "\n".join(lines) + "\n"
    for section in (_path_lines, _step_lines, _branch_lines, _question_lines, _citation_lines):
        lines += section(diff)
    return "\n".join(lines) + "\n"


def _both(old: str | None, new: str | None, indent: str) -> list[str]:
    return [f"{indent}{sign} {text}" for sign, text in (("-", old), ("+", new)) if text is not None]


def _path_lines(diff: SopDiff) -> list[str]:
    counts = ", ".join(f"{diff.path_counts[s]} {s}" for s in PATH_STATUSES)
    lines = ["", f"Answer paths: {counts}"]
    if diff.paths is None:
        lines.append("  (too many to list; the steps and branches below say what changed)")
    for path in diff.paths or ():
        lines.append(f"  {path.status:<9} {_answers_text(path.answers)}")
        if path.status == "changed":
            detail = f"in {', '.join(path.changes)} at {', '.join(path.at)}"
            if path.old_outcome != path.new_outcome:
                detail += f"; outcome {path.old_outcome} -> {path.new_outcome}"
            lines.append(f"            {detail}")
        else:
            lines.append(f"            -> {path.old_outcome or path.new_outcome}")
    return lines


def _step_lines(diff: SopDiff) -> list[str]:
    lines = ["", "Steps:"] if diff.steps else []
    for step in diff.steps:
        lines.append(f"  {step.status:<9} {step.step}")
        for change in step.changes:
            lines += [f"    {change.what}:", *_both(change.old, change.new, "      ")]
    return lines


def _branch_lines(diff: SopDiff) -> list[str]:
    lines = ["", "Branches:"] if diff.branches else []
    lines += [
        f"  {b.step}, {b.answer}: to {b.old_target} -> {b.new_target}; "
        f"per {b.old_per} -> {b.new_per}"
        for b in diff.branches
    ]
    return lines


def _question_lines(diff: SopDiff) -> list[str]:
    lines = ["", "Questions:"] if diff.questions else []
    for question in diff.questions:
        lines.append(f"  {question.status:<9} {question.question}")
        lines += _both(question.old, question.new, "      ")
    return lines


def _citation_lines(diff: SopDiff) -> list[str]:
    if not (diff.cites_removed or diff.cites_added):
        return []
    lines = ["", "Citations:"]
    if diff.cites_removed:
        lines.append(f"  no longer cited: {', '.join(diff.cites_removed)}")
    if diff.cites_added:
        lines.append(f"  newly cited: {', '.join(diff.cites_added)}")
    return lines


def diff_document(diff: SopDiff) -> dict[str, Any]:
    """The diff as plain JSON data, for tools."""
    return {
        "old": {"sop": diff.old_id, "version": diff.old_version},
        "new": {"sop": diff.new_id, "version": diff.new_version},
        "same_sop": diff.same_sop,
        "same": diff.same,
        "path_counts": dict(diff.path_counts),
        "paths": None
        if diff.paths is None
        else [
            {
                "answers": [{"question": q, "answer": label} for q, label in p.answers],
                "status": p.status,
                "old_outcome": p.old_outcome,
                "new_outcome": p.new_outcome,
                "changes": list(p.changes),
                "at": list(p.at),
            }
            for p in diff.paths
        ],
        "steps": [attrs.asdict(s) for s in diff.steps],
        "branches": [attrs.asdict(b) for b in diff.branches],
        "questions": [attrs.asdict(q) for q in diff.questions],
        "cites_removed": list(diff.cites_removed),
        "cites_added": list(diff.cites_added),
    }
