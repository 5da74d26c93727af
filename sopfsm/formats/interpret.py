"""Check a SOP file's plain data and build its SOP: every mistake found, each located.

The schema checks the structure (:func:`~sopfsm.formats.schema.schema_problems`); the
reader then checks what a schema cannot: answers covered once, branches to steps that
exist, steps a branch leads to, citations of something. Only a file without a problem
becomes a strict machine, through :func:`~sopfsm.machine.build_machine`.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from typing import Any

from sopfsm.answers import Value
from sopfsm.assumptions import ASSUMPTIONS, AssumptionInfo
from sopfsm.clauses import CLAUSES, SOURCE_DOCUMENT
from sopfsm.declare import ANSWER_EVENT, Branch, Script, ScriptKind, Sop
from sopfsm.errors import SopDefinitionError, SopFileError, SopFileProblem
from sopfsm.formats.kinds import (
    ANY_ANSWER,
    CATALOGUE_QUESTIONS,
    QUESTION_TYPES,
    answer_value,
    answer_words,
)
from sopfsm.formats.located import ASSUMPTION_PREFIX, Located, Path
from sopfsm.machine import build_machine
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.provenance import Assumption, Clause, Provenance
from sopfsm.questions import Question
from sopfsm.text import Text

_RESERVED = frozenset({ANSWER_EVENT, *dir(Sop)})


def spec_from_document(located: Located) -> SopSpec:
    """The SOP ``located`` describes, or :class:`SopFileError` listing every mistake."""
    from sopfsm.formats.schema import schema_problems

    found = schema_problems(located)
    # A mistake inside a step leaves the other steps to check; any other stops here.
    broken_steps = {path[1] for path, _ in found if len(path) > 1 and path[0] == "steps"}
    if any(not (len(path) > 1 and path[0] == "steps") for path, _ in found):
        raise SopFileError(located.file, [problem for _, problem in found])
    reader = _Reader(located, broken_steps)
    spec = reader.read()
    problems = [problem for _, problem in found] + reader.problems
    if problems or spec is None:
        raise SopFileError(located.file, sorted(set(problems), key=_order))
    return spec


def _order(problem: SopFileProblem) -> tuple[int, int, str]:
    return (problem.line, problem.column, problem.message)


class _Reader:
    """The checks a schema cannot make, each reported where the author must look."""

    def __init__(self, located: Located, broken_steps: set[str | int]) -> None:
        self.located = located
        self.broken_steps = broken_steps
        self.doc: Mapping[str, Any] = located.data
        self.problems: list[SopFileProblem] = []
        own_clauses = self.doc.get("clauses") or {}
        own_assumptions = self.doc.get("assumptions") or {}
        bundled = self.doc["source"] == SOURCE_DOCUMENT
        self.clauses: dict[str, Text | None] = dict.fromkeys(CLAUSES if bundled else (), None)
        self.clauses.update({str(k): Text(**v) for k, v in own_clauses.items()})
        self.assumptions: dict[str, AssumptionInfo | None] = dict.fromkeys(
            ASSUMPTIONS if bundled else (), None
        )
        self.assumptions.update(
            {
                name: AssumptionInfo(str(v["where"]), v["silent_on"], Text(**v["decision"]))
                for name, v in own_assumptions.items()
            }
        )

    def fail(self, path: Path, message: str, *, key: bool = False) -> None:
        self.problems.append(self.located.problem(path, message, key=key))

    def cite(self, path: Path, raw: object) -> Provenance | None:
        label = str(raw)
        if label.startswith(ASSUMPTION_PREFIX):
            name = label.removeprefix(ASSUMPTION_PREFIX)
            if name in self.assumptions:
                return Assumption(name, self.assumptions[name])
            known = ", ".join(f"A:{n}" for n in self.assumptions) or "none declared"
            self.fail(path, f"no assumption {name!r}; assumptions: {known}")
            return None
        if label in self.clauses:
            return Clause(label, self.clauses[label])
        known = ", ".join(self.clauses) or "none declared"
        self.fail(
            path,
            f"no clause {label!r} in {self.doc['source']}; clauses: {known} "
            "(or cite an assumption as A:name)",
        )
        return None

    def step_ids(self, steps_doc: list[dict[str, Any]]) -> dict[str, int]:
        """Each step id and where it is first declared; a reserved or repeated id is refused."""
        ids: dict[str, int] = {}
        for index, step in enumerate(steps_doc):
            step_id = step.get("id") if isinstance(step, Mapping) else None
            if not isinstance(step_id, str):
                continue
            if index in self.broken_steps:
                ids.setdefault(step_id, index)
                continue
            if not step_id.isidentifier() or keyword.iskeyword(step_id) or step_id in _RESERVED:
                self.fail(
                    ("steps", index, "id"),
                    f"step id {step_id!r} must be a name of letters, digits and _ "
                    "that is not reserved",
                )
            if step_id in ids:
                self.fail(
                    ("steps", index, "id"), f"step {step_id!r} is already step {ids[step_id]}"
                )
            ids.setdefault(step_id, index)
        return ids

    def read(self) -> SopSpec | None:
        doc = self.doc
        steps_doc: list[dict[str, Any]] = doc["steps"]
        ids = self.step_ids(steps_doc)
        questions: dict[str, Question] = {}
        steps = [
            None if index in self.broken_steps else self.step(index, step, questions)
            for index, step in enumerate(steps_doc)
        ]
        branches: list[BranchSpec] = []
        for index, step in enumerate(steps_doc):
            branches += self.branches(index, step, ids, steps[index])
        for index in sorted(i for i in self.broken_steps if isinstance(i, int)):
            self.targets(index, steps_doc[index], ids)
        if not self.broken_steps:
            self.reachable(steps_doc, branches)
        for index, step in enumerate(steps_doc):
            if self.broken_steps:
                break  # a broken step may ask what an outcome carries
            for position, carried in enumerate(step.get("carries", ())):
                if carried not in questions:
                    asked = ", ".join(questions) or "none"
                    self.fail(
                        ("steps", index, "carries", position),
                        f"carries {carried!r}, which no step asks; questions: {asked}",
                    )
        if self.problems or self.broken_steps or any(s is None for s in steps):
            return None
        title = Text(**doc["title"])
        try:
            machine = build_machine(
                sop_id=doc["id"],
                clause=str(doc["clause"]),
                title=title,
                scope=Text(**doc["scope"]) if "scope" in doc else None,
                version=doc["version"],
                effective=doc.get("effective"),
                source=doc["source"],
                steps=[s for s in steps if s is not None],
                branches=branches,
            )
        except SopDefinitionError as error:  # pragma: no cover - the checks above come first
            self.fail(("steps",), error.problem)
            return None
        from sopfsm.model import spec_of

        return spec_of(machine)

    def step(
        self, index: int, doc: Mapping[str, Any], questions: dict[str, Question]
    ) -> StepSpec | None:
        path: Path = ("steps", index)
        per = self.cite((*path, "per"), doc["per"])
        says = []
        for position, script in enumerate(doc.get("say", ())):
            script_per = self.cite((*path, "say", position, "per"), script["per"])
            if script_per is not None:
                says.append(_script(Text(script["id"], script["en"]), script_per, script["kind"]))
        asks = outcome = None
        if "ask" in doc and "outcome" in doc:
            self.fail(path, "a step either asks a question or ends the call, not both")
        elif "ask" not in doc and "outcome" not in doc:
            self.fail(path, "a step asks a question (ask:) or ends the call (outcome:)")
        if "branches" in doc and "ask" not in doc:
            self.fail(
                (*path, "branches"), "only a step that asks a question has branches", key=True
            )
        if "carries" in doc and "outcome" not in doc:
            self.fail((*path, "carries"), "only an outcome step carries answers", key=True)
        if "ask" in doc:
            asks = self.question((*path, "ask"), doc["ask"], questions)
        if "outcome" in doc:
            outcome = doc["outcome"]
        if "ask" in doc and asks is None:
            return None
        return StepSpec(
            id=doc["id"],
            says=tuple(says),
            asks=asks,
            outcome=outcome,
            carries=tuple(doc.get("carries", ())),
            per=per,
            initial=index == 0,
        )

    def question(self, path: Path, doc: object, questions: dict[str, Question]) -> Question | None:
        if isinstance(doc, str):
            question = CATALOGUE_QUESTIONS.get(doc)
            if question is None:
                known = ", ".join(CATALOGUE_QUESTIONS)
                self.fail(path, f"no catalogue question {doc!r}; catalogue questions: {known}")
                return None
        else:
            assert isinstance(doc, Mapping)
            kind = QUESTION_TYPES.get(doc["type"])
            if kind is None:
                known = ", ".join(QUESTION_TYPES)
                self.fail((*path, "type"), f"unknown question type {doc['type']!r}; types: {known}")
                return None
            question = Question(doc["id"], Text(**doc["prompt"]), kind)
        earlier = questions.setdefault(question.id, question)
        if earlier != question or earlier.kind != question.kind:
            self.fail(
                path, f"question {question.id!r} is asked elsewhere with another prompt or type"
            )
        return question

    def branches(
        self, index: int, doc: Mapping[str, Any], ids: Mapping[str, int], step: StepSpec | None
    ) -> list[BranchSpec]:
        if step is None or step.asks is None:
            return []
        path: Path = ("steps", index)
        listed = doc.get("branches", [])
        question = step.asks
        if not listed:
            self.fail(path, f"step {step.id!r} asks {question.id!r} but has no branches")
            return []
        found: list[BranchSpec] = []
        for position, branch_doc in enumerate(listed):
            where: Path = (*path, "branches", position)
            target = branch_doc["to"]
            if target not in ids:
                self.fail((*where, "to"), f"no step {target!r}; steps: {', '.join(ids)}")
            values = self.answers((*where, "answer"), question, branch_doc["answer"])
            per = self.cite((*where, "per"), branch_doc["per"])
            if not isinstance(values, bool):
                found.append(BranchSpec(step.id, target, Branch(values, per), ()))
        self.coverage(path, question, listed, found)
        return found

    def targets(self, index: int, doc: object, ids: Mapping[str, int]) -> None:
        """Branches to missing steps, in a step whose other mistakes the schema reported."""
        listed = doc.get("branches") if isinstance(doc, Mapping) else None
        for position, branch in enumerate(listed if isinstance(listed, list) else []):
            target = branch.get("to") if isinstance(branch, Mapping) else None
            if isinstance(target, str) and target not in ids:
                where: Path = ("steps", index, "branches", position, "to")
                self.fail(where, f"no step {target!r}; steps: {', '.join(ids)}")

    def answers(
        self, path: Path, question: Question, raw: object
    ) -> tuple[Value, ...] | bool | None:
        """The branch's values; None for any answer; False after reporting a mistake."""
        if raw == ANY_ANSWER:
            return None
        words = raw if isinstance(raw, list) else [raw]
        values: list[Value] = []
        for position, word in enumerate(words):
            value = answer_value(question.kind, word)
            if value is None:
                accepted = [repr(w) for w in answer_words(question.kind)] + [repr(ANY_ANSWER)]
                at = (*path, position) if isinstance(raw, list) else path
                self.fail(
                    at,
                    f"{word!r} is not an answer to {question.id!r}; "
                    f"expected one of {', '.join(accepted)}",
                )
                return False
            values.append(value)
        return tuple(values)

    def coverage(
        self, path: Path, question: Question, listed: list[Any], found: list[BranchSpec]
    ) -> None:
        if len(found) != len(listed):
            return  # a branch was already reported; counting would mislead
        for answer_class in question.kind.classes():
            sample = answer_class.samples[0]
            taking = [b for b in found if b.matches(sample)]
            if len(taking) > 1:
                positions = [found.index(b) for b in taking]
                self.fail(
                    (*path, "branches", positions[1], "answer"),
                    f"answer {answer_class.label!r} of {question.id!r} is covered twice "
                    f"(branches {', '.join(map(str, positions))}); each answer takes one branch",
                )
            elif not taking:
                self.fail(
                    (*path, "branches"),
                    f"no branch takes answer {answer_class.label!r} of {question.id!r}",
                    key=True,
                )

    def reachable(self, steps_doc: list[dict[str, Any]], branches: list[BranchSpec]) -> None:
        """Every step is reached from the first, and reaches an outcome; linear in the steps."""
        if not steps_doc:
            return
        leads_to: dict[str, list[str]] = {}
        leading_to: dict[str, list[str]] = {}
        for branch in branches:
            leads_to.setdefault(branch.source, []).append(branch.target)
            leading_to.setdefault(branch.target, []).append(branch.source)
        seen = _closure([steps_doc[0]["id"]], leads_to)
        for index, step in enumerate(steps_doc):
            if step["id"] not in seen:
                self.fail(("steps", index, "id"), f"no branch leads to step {step['id']!r}")
        ends = _closure([step["id"] for step in steps_doc if "outcome" in step], leading_to)
        for index, step in enumerate(steps_doc):
            if step["id"] in seen and step["id"] not in ends:
                self.fail(
                    ("steps", index, "id"),
                    f"no outcome can be reached from step {step['id']!r}: a call there never ends",
                )


def _closure(start: list[str], edges: Mapping[str, list[str]]) -> set[str]:
    seen = set(start)
    frontier = list(start)
    while frontier:
        for target in edges.get(frontier.pop(), ()):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return seen


def _script(text: Text, per: Provenance, kind: str) -> Script:
    return Script(text, per, ScriptKind(kind))
