"""A SOP file's content as plain data: where each value sits, and a SopSpec written out.

The same dict shape serves every syntax a SOP file may be written in (YAML today).
:class:`Located` keeps the line and column of every value read, so that a mistake is
reported where the author must look; :func:`document_of` writes a
:class:`~sopfsm.model.SopSpec` as that dict (reading back is :mod:`sopfsm.formats.interpret`).
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from sopfsm.errors import SopFileProblem, one_line
from sopfsm.formats.kinds import ANY_ANSWER, answer_word, is_catalogue_question, type_name
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.provenance import Assumption, Clause, Provenance
from sopfsm.questions import Question

FORMAT_VERSION: Final = 1
ASSUMPTION_PREFIX: Final = "A:"

Path = tuple[str | int, ...]


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
        # A value quoted from a hostile file is cut short and kept on one line.
        return SopFileProblem(self.file, line, column, one_line(f"{show_path(path)}: {message}"))


def show_path(path: Path) -> str:
    """``steps[2].branches[0].to``: where a value sits, as an author reads it."""
    shown = ""
    for part in path:
        shown += f"[{part}]" if isinstance(part, int) else f".{part}" if shown else part
    return shown or "(the file)"


def document_of(sop: SopSpec) -> dict[str, Any]:
    """``sop`` as the plain data of a SOP file (the first step is where the call starts)."""
    if sop.steps[0] != sop.initial:
        raise ValueError(f"SOP {sop.sop_id!r}: a SOP file starts at its first step")
    doc: dict[str, Any] = {
        "sopfsm": FORMAT_VERSION,
        "id": sop.sop_id,
        "clause": sop.clause,
        "title": sop.title.as_json(),
    }
    if sop.scope is not None:
        doc["scope"] = sop.scope.as_json()
    doc["version"] = sop.version
    if sop.effective is not None:
        doc["effective"] = sop.effective
    doc["source"] = sop.source
    clauses, assumptions = _own_provenance(sop)
    if clauses:
        doc["clauses"] = clauses
    if assumptions:
        doc["assumptions"] = assumptions
    doc["steps"] = [_step_document(sop, step) for step in sop.steps]
    return doc


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
            clauses.setdefault(per.ref, per.text.as_json())
        elif isinstance(per, Assumption) and per.info is not None:
            assumptions.setdefault(
                per.name,
                {
                    "where": per.info.where,
                    "silent_on": per.info.silent_on,
                    "decision": per.info.decision.as_json(),
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
                **script.text.as_json(),
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
    return {
        "id": question.id,
        "type": type_name(question.kind),
        "prompt": question.prompt.as_json(),
    }


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
