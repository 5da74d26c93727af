"""The answer graph of a SOP: which branch each class of answers takes, and what follows.

Built once per audit in time linear in the SOP: guards are evaluated on each answer
class's samples, and every later pass (routes, topological order, path counts) walks the
resulting edges once.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Iterator, Mapping

from sopfsm.model import BranchSpec, SopSpec

Edge = tuple[str, str, BranchSpec]  # (question id, answer class label, branch taken)
Parents = Mapping[str, tuple[str, str] | None]
Walk = tuple[list[tuple[str, str]], list[str], list[BranchSpec]]


class AnswerGraph:
    """Steps linked by the branch each answer class takes; guard faults found on the way."""

    def __init__(self, sop: SopSpec) -> None:
        self.sop = sop
        # (what is wrong, the step, the answer that goes wrong there or "")
        self.guard_faults: list[tuple[str, str, str]] = []
        self.edges: dict[str, list[Edge]] = {s.id: [] for s in sop.steps}
        self._classify_answers()
        self.parent = self.breadth_first(sop.initial.id)
        self.order, self.cyclic = self._topological_order()

    def _classify_answers(self) -> None:
        for step in self.sop.steps:
            branches = self.sop.branches_from(step.id)
            self.guard_faults += [
                (
                    f"branch {step.id} -> {b.target} is guarded by "
                    f"{', '.join(b.guard_names) or 'nothing'}, not by when(): "
                    "its answers cannot be analysed",
                    step.id,
                    "",
                )
                for b in branches
                if b.branch is None
            ]
            if step.asks is None:
                continue
            question = step.asks
            for answer_class in question.kind.classes():
                where = f"step {step.id!r}, question {question.id!r}, answer {answer_class.label}"
                answer = f"{question.id}={answer_class.label}"
                taken: set[BranchSpec] = set()
                for sample in answer_class.samples:
                    matching = [b for b in branches if b.matches(sample)]
                    if not matching:
                        self.guard_faults.append((f"gap: no branch takes {where}", step.id, answer))
                    elif len(matching) > 1:
                        targets = " and ".join(b.target for b in matching)
                        fault = f"overlap: {where} takes both {targets}"
                        self.guard_faults.append((fault, step.id, answer))
                    else:
                        taken.add(matching[0])
                if len(taken) > 1:
                    fault = f"split: the samples of {where} differ in branch"
                    self.guard_faults.append((fault, step.id, answer))
                elif taken:
                    self.edges[step.id].append((question.id, answer_class.label, taken.pop()))

    def breadth_first(
        self, start: str, avoid: str | None = None
    ) -> dict[str, tuple[str, str] | None]:
        """Shortest routes from ``start``, never through a step that asks ``avoid``;
        maps each step reached to (previous step, answer) or None for ``start``."""
        parent: dict[str, tuple[str, str] | None] = {start: None}
        queue = deque([start])
        while queue:
            step = queue.popleft()
            for question, label, branch in self.edges[step]:
                target = branch.target
                asks = self.sop.step(target).asks
                if target in parent or (asks is not None and asks.id == avoid):
                    continue
                parent[target] = (step, f"{question}={label}")
                queue.append(target)
        return parent

    def route(self, step: str, parent: Parents | None = None) -> tuple[str, ...]:
        """The route to ``step`` as (step, answer, step, ...), shortest from the start."""
        parent = self.parent if parent is None else parent
        if step not in parent:
            return (step,)
        route = [step]
        link = parent[step]
        while link is not None:
            previous, answer = link
            route += [answer, previous]
            link = parent[previous]
        return tuple(reversed(route))

    def _topological_order(self) -> tuple[list[str], set[str]]:
        reached = list(self.parent)
        indegree: Counter[str] = Counter(b.target for s in reached for _, _, b in self.edges[s])
        ready = deque(s for s in reached if indegree[s] == 0)
        order: list[str] = []
        while ready:
            step = ready.popleft()
            order.append(step)
            for _, _, branch in self.edges[step]:
                indegree[branch.target] -= 1
                if indegree[branch.target] == 0:
                    ready.append(branch.target)
        return order, set(reached) - set(order)

    def cycles(self) -> Iterator[list[str]]:
        """One cycle for each group of steps that the topological order could not place."""
        # Every unplaced step has an unplaced predecessor, so walking backwards must loop.
        predecessors: dict[str, list[str]] = {s: [] for s in self.cyclic}
        for step in self.cyclic:
            for _, _, branch in self.edges[step]:
                if branch.target in self.cyclic:
                    predecessors[branch.target].append(step)
        remaining = set(self.cyclic)
        while remaining:
            walk: list[str] = []
            seen: dict[str, int] = {}
            step = min(remaining)
            while step not in seen:
                seen[step] = len(walk)
                walk.append(step)
                step = predecessors[step][0]
            cycle = list(reversed([*walk[seen[step] :], step]))
            remaining -= set(self.breadth_first(cycle[0])) | set(walk)
            yield cycle

    def count_paths(self) -> Counter[str]:
        """The answer paths from the start, by outcome code, without listing them."""
        by_step: dict[str, Counter[str]] = {}
        for step_id in reversed(self.order):
            step = self.sop.step(step_id)
            counts: Counter[str] = Counter()
            if step.final:
                counts[str(step.outcome)] = 1
            for _, _, branch in self.edges[step_id]:
                counts.update(by_step[branch.target])
            by_step[step_id] = counts
        return by_step[self.sop.initial.id]

    def longest_path(self) -> int:
        """The most answers any path takes: the bound within which every call ends."""
        longest: dict[str, int] = {}
        for step_id in reversed(self.order):
            longest[step_id] = max(
                (1 + longest[b.target] for _, _, b in self.edges[step_id]), default=0
            )
        return longest[self.sop.initial.id]

    def walk_paths(self) -> Iterator[Walk]:
        """Every answer path: its answers, its steps and the branches it takes."""
        start = self.sop.initial.id
        stack: list[tuple[str, *Walk]] = [(start, [], [start], [])]
        while stack:
            step_id, answers, steps, taken = stack.pop()
            if self.sop.step(step_id).final:
                yield answers, steps, taken
                continue
            for question, label, branch in reversed(self.edges[step_id]):
                stack.append(
                    (
                        branch.target,
                        [*answers, (question, label)],
                        [*steps, branch.target],
                        [*taken, branch],
                    )
                )
