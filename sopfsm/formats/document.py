"""A SOP file's content as plain data, to and from :class:`~sopfsm.spec.SopSpec`.

The same dict shape serves every syntax a SOP file may be written in (YAML today): the
schema checks its structure, then :func:`spec_from_document` checks what a schema cannot
(answers covered once, branches to steps that exist, citations of something) and builds
the strict machine with :func:`~sopfsm.build.build_machine`. Every problem found is
reported, each at its line and column, before anything runs.
"""

from __future__ import annotations

import keyword
from collections.abc import Mapping
from typing import Any, Final

import attrs

from sopfsm._text import Text
from sopfsm.answers import Value
from sopfsm.build import build_machine
from sopfsm.declare import ANSWER_EVENT, Branch, Script, ScriptKind, Sop
from sopfsm.errors import SopDefinitionError, SopFileError, SopFileProblem
from sopfsm.formats.kinds import (
    ANY_ANSWER,
    CATALOGUE_QUESTIONS,
    QUESTION_TYPES,
    answer_value,
    answer_word,
    answer_words,
    is_catalogue_question,
    type_name,
)
from sopfsm.provenance import (
    ASSUMPTIONS,
    CLAUSES,
    SOURCE_DOCUMENT,
    Assumption,
    AssumptionInfo,
    Clause,
    Provenance,
)
from sopfsm.questions import Question
from sopfsm.spec import BranchSpec, SopSpec, StepSpec

FORMAT_VERSION: Final = 1
ASSUMPTION_PREFIX: Final = "A:"

Path = tuple[str | int, ...]
_RESERVED = frozenset({ANSWER_EVENT, *dir(Sop)})


@attrs.define
class Located:
    """Plain data read from a file, with the 1-based (line, column) of each value and key."""

    file: str
    data: Any = None
    at: dict[Path, tuple[int, int]] = attrs.Factory(dict)
    keys: dict[Path, tuple[int, int]] = attrs.Factory(dict)

    def where(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """The position of ``path`` (its key when ``key``), or of its nearest ancestor."""
        while True:
            if key and path in self.keys:
                return self.keys[path]
            if path in self.at:
                return self.at[path]
            if not path:
                return (1, 1)
            path = path[:-1]

    def problem(self, path: Path, message: str, *, key: bool = False) -> SopFileProblem:
        line, column = self.where(path, key=key)
        return SopFileProblem(self.file, line, column, f"{show_path(path)}: {message}")


def show_path(path: Path) -> str:
    """``steps[2].branches[0].to``: where a value sits, as an author reads it."""
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else f".{part}" if shown else part
    return shown or "(the file)"


# ---- SopSpec -> document ---------------------------------------------------------------


def document_of(sop: SopSpec) -> dict[str, Any]:
    """``sop`` as the plain data of a SOP file (the first step is where the call starts)."""
    if sop.steps[0] != sop.initial:
        raise ValueError(f"SOP {sop.sop_id!r}: a SOP file starts at its first step")
    doc: dict[str, Any] = {
        "sopfsm": FORMAT_VERSION,
        "id": sop.sop_id,
        "clause": sop.clause,
        "title": _text(sop.title),
        "version": sop.version,
        "source": sop.source,
    }
    clauses, assumptions = _own_provenance(sop)
    if clauses:
        doc["clauses"] = clauses
    if assumptions:
        doc["assumptions"] = assumptions
    doc["steps"] = [_step_document(sop, step) for step in sop.steps]
    return doc


def _text(text: Text) -> dict[str, str]:
    return {"id": text.id, "en": text.en}


def _cite(per: Provenance | None) -> str:
    if per is None:
        raise ValueError("a SOP file cites a clause or an assumption for everything")
    return per.label


def _own_provenance(sop: SopSpec) -> tuple[dict[str, Any], dict[str, Any]]:
    cited: list[Provenance] = []
    for step in sop.steps:
        cited += [p for p in (step.per, *(s.per for s in step.says)) if p is not None]
    cited += [b.per for b in sop.branches if b.per is not None]
    clauses: dict[str, Any] = {}
    assumptions: dict[str, Any] = {}
    for per in cited:
        if isinstance(per, Clause) and per.text is not None:
            clauses.setdefault(per.ref, _text(per.text))
        elif isinstance(per, Assumption) and per.info is not None:
            assumptions.setdefault(
                per.name,
                {
                    "where": per.info.where,
                    "silent_on": per.info.silent_on,
                    "decision": _text(per.info.decision),
                },
            )
    return clauses, assumptions


def _step_document(sop: SopSpec, step: StepSpec) -> dict[str, Any]:
    doc: dict[str, Any] = {"id": step.id, "per": _cite(step.per)}
    if step.says:
        doc["say"] = [
            {
                "kind": script.kind.value,
                "per": _cite(script.per),
                "id": script.text.id,
                "en": script.text.en,
            }
            for script in step.says
        ]
    if step.asks is not None:
        doc["ask"] = _question_document(step.asks)
        doc["branches"] = [_branch_document(b) for b in sop.branches_from(step.id)]
    if step.outcome is not None:
        doc["outcome"] = step.outcome
        if step.carries:
            doc["carries"] = list(step.carries)
    return doc


def _question_document(question: Question) -> str | dict[str, Any]:
    if is_catalogue_question(question):
        return question.id
    return {"id": question.id, "type": type_name(question.kind), "prompt": _text(question.prompt)}


def _branch_document(branch: BranchSpec) -> dict[str, Any]:
    if branch.branch is None:
        raise ValueError(f"branch {branch.source} -> {branch.target} has no answers")
    values = branch.branch.values
    answer: Any
    if values is None:
        answer = ANY_ANSWER
    elif len(values) == 1:
        answer = answer_word(values[0])
    else:
        answer = [answer_word(v) for v in values]
    return {"answer": answer, "to": branch.target, "per": _cite(branch.per)}


# ---- document -> SopSpec ---------------------------------------------------------------


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
                version=doc["version"],
                source=doc["source"],
                steps=[s for s in steps if s is not None],
                branches=branches,
            )
        except SopDefinitionError as error:  # pragma: no cover - the checks above come first
            self.fail(("steps",), error.problem)
            return None
        from sopfsm.spec import spec_of

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
        if not steps_doc:
            return
        seen = {steps_doc[0]["id"]}
        frontier = [steps_doc[0]["id"]]
        while frontier:
            source = frontier.pop()
            for branch in branches:
                if branch.source == source and branch.target not in seen:
                    seen.add(branch.target)
                    frontier.append(branch.target)
        for index, step in enumerate(steps_doc):
            if step["id"] not in seen:
                self.fail(("steps", index, "id"), f"no branch leads to step {step['id']!r}")


def _script(text: Text, per: Provenance, kind: str) -> Script:
    return Script(text, per, ScriptKind(kind))
