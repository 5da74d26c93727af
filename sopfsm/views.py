"""Calls and SOPs as JSON, one view of each, for the CLI, the service and the pages.

:func:`sop_view` and :func:`call_view` hold every text as a :class:`Text`, both
languages; :func:`in_language` turns a view into JSON, each text in one language (the
CLI, the call bodies of the API) or in both through :meth:`Text.as_json` (the catalogue
of the API, the call screen, the practice room). Each output selects the fields it shows
(:func:`select`), but every field is made here, once, so no two outputs tell a SOP or a
call differently.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sopfsm.answers import AnswerKind, Value
from sopfsm.assumptions import ASSUMPTIONS
from sopfsm.call import Call
from sopfsm.catalogue import newer_in_force
from sopfsm.clauses import CLAUSES
from sopfsm.compiled import CompiledCall
from sopfsm.compose import part_of
from sopfsm.declare import KIND_WORDS, Script
from sopfsm.details import required_details
from sopfsm.model import BranchSpec, SopSpec, StepSpec, branch_label
from sopfsm.provenance import Assumption, Clause, Provenance
from sopfsm.questions import Question
from sopfsm.text import LANGS, Lang, Text

_LEAVES = frozenset({str, int, float, bool, type(None)})


def in_language(view: Any, lang: Lang | None) -> Any:
    """``view`` as JSON: each :class:`Text` in ``lang``, or in both when ``lang`` is None."""
    # Exact types first: every call body passes through here, and most of a view is
    # plain values and dicts, which the ABC checks below would take ten times as long on.
    kind = type(view)
    if kind in _LEAVES:
        return view
    if kind is dict:  # a leaf inline: half the values of a call's view are leaves
        return {
            key: value if type(value) in _LEAVES else in_language(value, lang)
            for key, value in view.items()
        }
    if isinstance(view, Text):
        return view.as_json() if lang is None else view.in_(lang)
    if isinstance(view, Mapping):
        return {key: in_language(value, lang) for key, value in view.items()}
    if isinstance(view, list | tuple):
        return [in_language(value, lang) for value in view]
    return view


def view_json(view: Mapping[str, Any], lang: Lang | None) -> dict[str, Any]:
    """A view of a SOP or a call as a JSON object (:func:`in_language`)."""
    shown: dict[str, Any] = in_language(view, lang)
    return shown


def select(view: Mapping[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """The fields ``keys`` of ``view``, in that order: what one output shows of a view."""
    return {key: view[key] for key in keys}


def cite(per: Provenance | None) -> str | None:
    """``"1e"`` for a clause, ``"A:name"`` for an assumption, None when nothing is cited."""
    return per.label if per is not None else None


def cite_words(per: Provenance | None) -> Text | None:
    """What the cited clause says (the document's words) or the assumption decides."""
    if isinstance(per, Clause):
        return CLAUSES[per.ref]
    if isinstance(per, Assumption):  # a SOP file may bring its own
        return (per.info or ASSUMPTIONS[per.name]).decision
    return None


def both_languages(texts: Mapping[Lang, str]) -> Text:
    """A text written once per language (a story line, a branch's answers) as a Text."""
    return Text(id=texts["id"], en=texts["en"])


def script_view(script: Script, step: str) -> dict[str, Any]:
    """A script: ``kind`` is "said" (to the customer), "done" (by the CSO in an
    application) or "note" (for the CSO, never read out)."""
    return {
        "step": step,
        "kind": script.kind.value,
        "text": script.text,
        "per": cite(script.per),
    }


SCRIPT_WORDS = ("text", "per", "kind")
"""What the pages show of a script: its words and their cite; the step is where it sits."""


def script_words(view: Mapping[str, Any]) -> dict[str, Any]:
    """The pages' selection of a :func:`script_view`."""
    return select(view, SCRIPT_WORDS)


def kind_word(script: Script, lang: Lang) -> str:
    """The word a script is shown under: Sampaikan / Lakukan / Catatan (Say / Do / Note)."""
    return KIND_WORDS[script.kind].in_(lang)


# How the clause text and its translation are introduced wherever they are shown.
SCOPE_WORD = Text(id="Berlaku untuk", en="Applies to")
CLAUSE_TEXT_WORD = Text(
    id="Teks klausul (kata-kata dokumen)", en="Clause text (the document's own words)"
)
TRANSLATION_WORD = Text(
    id="Terjemahan bahasa Inggris, bukan kata-kata dokumen",
    en="English translation, not the document's words",
)


def clause_refs(sop: SopSpec) -> list[str]:
    """The clauses ``sop`` cites in its own steps, in the document's order.

    A front door's own steps and branches, not those of the SOPs it continues into."""
    own = [s for s in sop.steps if part_of(s.id) is None]
    cited = [s.per for s in own] + [sc.per for s in own for sc in s.says]
    cited += [b.per for b in sop.branches if part_of(b.source) is None]
    refs = {per.ref for per in cited if isinstance(per, Clause)}
    return [ref for ref in CLAUSES if ref in refs]


def clause_texts(sop: SopSpec) -> list[tuple[str, Text]]:
    """The clauses ``sop`` cites, with their words: those a SOP file of another document
    declares itself, or the bundled document's (:func:`clause_refs`)."""
    cited = [s.per for s in sop.steps] + [sc.per for s in sop.steps for sc in s.says]
    cited += [b.per for b in sop.branches]
    own = {p.ref: p.text for p in cited if isinstance(p, Clause) and p.text is not None}
    if own:
        return sorted(own.items())
    return [(ref, CLAUSES[ref]) for ref in clause_refs(sop)]


def clause_part(step_id: str) -> str | None:
    """The clause SOP a front-door call's step belongs to (``"lebih-tagih"``), or None."""
    name = part_of(step_id)
    return name.replace("_", "-") if name is not None else None


def call_view(call: Call | CompiledCall) -> dict[str, Any]:
    """The call, both languages: where it is, what it asks, what was said on its path.

    A :class:`CompiledCall` (the service's) shows exactly what a ``Call`` given the same
    answers shows (``tests/test_compiled.py``).

    ``continued_into`` names the clause SOP a call from the front door went on into (None
    before it does, for a hand-off, and for a call started on a clause SOP's own id).
    ``missing_details`` are the customer details the outcome's APKT report needs and the
    call does not hold yet (``identity``: the IDPEL or the meter number).
    ``newer_version`` names the version of the call's SOP in force now when it is later
    than the one the call keeps to its end (None while the call's version is in force)."""
    outcome = call.outcome
    newer = newer_in_force(call.sop)
    pending = call.pending
    parts = [p for p in map(clause_part, call.path) if p is not None]
    return {
        "sop": call.sop.sop_id,
        "continued_into": parts[-1] if parts else None,
        "version": call.sop.version,
        "newer_version": newer.version if newer is not None else None,
        "source": call.sop.source,
        "outcome": outcome.to_dict() if outcome else None,
        "pending": pending.id if pending else None,
        "prompt": pending.prompt if pending else None,
        "accepted": pending.accepted if pending else None,
        "answers": {r.question: r.value for r in call.answers},
        "path": list(call.path),
        "scripts": [
            script_view(script, step_id)
            for step_id in call.path
            for script in call.sop.step(step_id).says
        ],
        "status": call.status,
        "closed": call.closed,
        "corrections": len(call.corrections),
        "customer": dict(call.customer),
        "required_details": list(required_details(outcome.code if outcome else None)),
        "missing_details": list(call.missing_details),
    }


def call_dict(call: Call | CompiledCall, lang: Lang) -> dict[str, Any]:
    """The call in ``lang``: ``sopfsm run --json``, and the service's call bodies."""
    view = call_view(call)
    head = select(view, ("sop", "continued_into", "version", "newer_version", "source"))
    return view_json({**head, "lang": lang, **view}, lang)


def summary_view(sop: SopSpec) -> dict[str, Any]:
    """A SOP as the catalogue lists it: identity, title, scope and its questions' ids."""
    return {
        "id": sop.sop_id,
        "clause": sop.clause,
        "title": sop.title,
        "scope": sop.scope,
        "version": sop.version,
        "source": sop.source,
        "questions": [q.id for q in sop.questions],
    }


def question_view(question: Question) -> dict[str, Any]:
    return {"id": question.id, "prompt": question.prompt, "accepted": question.accepted}


def branch_words(question: Question | None, branch: BranchSpec) -> Text:
    """The answers that take ``branch``, in both languages (:func:`branch_label`)."""
    if question is None:  # pragma: no cover - the model branches only from questions
        return Text(id="?", en="?")
    return both_languages({lang: branch_label(question, branch.branch, lang) for lang in LANGS})


def branch_view(step: StepSpec, branch: BranchSpec) -> dict[str, Any]:
    return {"when": branch_words(step.asks, branch), "to": branch.target, "per": cite(branch.per)}


def step_view(sop: SopSpec, step: StepSpec) -> dict[str, Any]:
    return {
        "id": step.id,
        "per": cite(step.per),
        "says": [script_view(s, step.id) for s in step.says],
        "asks": step.asks.id if step.asks else None,
        "outcome": step.outcome,
        "carries": list(step.carries),
        "branches": [branch_view(step, b) for b in sop.branches_from(step.id)],
    }


def sop_view(sop: SopSpec) -> dict[str, Any]:
    """Everything told of a SOP, both languages; each output selects its fields.

    ``clauses`` holds the cited clauses' own words (``text``, the document's Indonesian)
    beside their English ``translation``, whatever the language shown."""
    return {
        **summary_view(sop),
        "questions": [question_view(q) for q in sop.questions],
        "clauses": [
            {"ref": ref, "text": text.id, "translation": text.en} for ref, text in clause_texts(sop)
        ],
        "steps": [step_view(sop, step) for step in sop.steps],
        "initial": sop.initial.id,
        "outcomes": sorted({s.outcome for s in sop.steps if s.outcome is not None}),
    }


SHOWN = ("id", "clause", "title", "scope", "version", "source", "questions", "clauses", "steps")
"""What ``sopfsm show --json`` tells of a SOP."""


def sop_summary(sop: SopSpec, lang: Lang | None) -> dict[str, Any]:
    """The catalogue's entry of a SOP, in ``lang`` (``sopfsm list``) or in both (None)."""
    return view_json(summary_view(sop), lang)


def sop_dict(sop: SopSpec, lang: Lang) -> dict[str, Any]:
    """Everything ``sopfsm show`` tells of a SOP, in ``lang``."""
    return view_json(select(sop_view(sop), SHOWN), lang)


def class_of(kind: AnswerKind, value: Value) -> str:
    """The audit's name for the class of answers ``value`` belongs to ("yes", "1", ...)."""
    # Compared with their type: True == 1, but a yes is never scheme 1.
    return next(
        c.label
        for c in kind.classes()
        if any(type(s) is type(value) and s == value for s in c.samples)
    )


def sample_of(kind: AnswerKind, class_label: str) -> Value:
    """A value of the answer class ``class_label``: what a story tells and a test types."""
    samples = next(c.samples for c in kind.classes() if c.label == class_label)
    # A reading of 0 kWh is valid but tells a trainee nothing; prefer a telling sample.
    return next((s for s in samples if s or isinstance(s, bool)), samples[0])


def sop_text(sop: SopSpec, lang: Lang) -> str:
    """``sopfsm show`` as text: steps, what is said, questions, branches and outcomes."""
    data = sop_dict(sop, lang)
    lines = [
        f"{sop.sop_id} — {data['title']} (clause {sop.clause}, version {sop.version})",
        f"source: {sop.source}",
    ]
    if data["scope"]:
        lines.append(f"{SCOPE_WORD.in_(lang)}: {data['scope']}")
    lines += ["", f"{CLAUSE_TEXT_WORD.in_(lang)}:"]
    for clause in data["clauses"]:
        lines.append(f"  {clause['ref']}: {clause['text']}")
        if lang == "en":
            lines.append(f"      ({TRANSLATION_WORD.en}: {clause['translation']})")
    lines.append("")
    for step in data["steps"]:
        lines.append(f"[{step['id']}] ({step['per']})")
        lines.extend(
            f"  {KIND_WORDS[s['kind']].in_(lang)} ({s['per']}): {s['text']}" for s in step["says"]
        )
        if step["asks"]:
            question = next(q for q in data["questions"] if q["id"] == step["asks"])
            lines.append(f"  ask {step['asks']}: {question['prompt']}")
            lines.extend(f"    {b['when']} -> {b['to']} ({b['per']})" for b in step["branches"])
        else:
            carries = f", carries {', '.join(step['carries'])}" if step["carries"] else ""
            lines.append(f"  outcome {step['outcome']}{carries}")
    return "\n".join(lines)
