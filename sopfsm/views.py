"""Calls and SOPs as JSON-ready dicts and as text, for the CLI and for call software."""

from __future__ import annotations

from typing import Any

from sopfsm.call import Call
from sopfsm.clauses import CLAUSES
from sopfsm.compose import part_of
from sopfsm.declare import KIND_WORDS, Branch, Script
from sopfsm.details import required_details
from sopfsm.model import SopSpec, StepSpec
from sopfsm.provenance import Clause, Provenance
from sopfsm.questions import Question
from sopfsm.text import Lang, Text


def cite(per: Provenance | None) -> str | None:
    """``"1e"`` for a clause, ``"A:name"`` for an assumption, None when nothing is cited."""
    return per.label if per is not None else None


def script_dict(script: Script, step: str, lang: Lang) -> dict[str, Any]:
    """A script as JSON: ``kind`` is "said" (to the customer), "done" (by the CSO in an
    application) or "note" (for the CSO, never read out)."""
    return {
        "step": step,
        "kind": script.kind.value,
        "text": script.text.in_(lang),
        "per": cite(script.per),
    }


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


def call_dict(call: Call, lang: Lang) -> dict[str, Any]:
    """The call as the CLI's ``run --json`` prints it.

    ``continued_into`` names the clause SOP a call from the front door went on into (None
    before it does, for a hand-off, and for a call started on a clause SOP's own id).
    ``missing_details`` are the customer details the outcome's APKT report needs and the
    call does not hold yet (``identity``: the IDPEL or the meter number)."""
    outcome = call.outcome
    pending = call.pending
    parts = [p for p in map(clause_part, call.path) if p is not None]
    return {
        "sop": call.sop.sop_id,
        "continued_into": parts[-1] if parts else None,
        "version": call.sop.version,
        "source": call.sop.source,
        "lang": lang,
        "outcome": outcome.to_dict() if outcome else None,
        "pending": pending.id if pending else None,
        "prompt": pending.prompt.in_(lang) if pending else None,
        "accepted": pending.accepted.in_(lang) if pending else None,
        "answers": {r.question: r.value for r in call.answers},
        "path": list(call.path),
        "scripts": [
            script_dict(script, step_id, lang)
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


def sop_summary(sop: SopSpec, lang: Lang) -> dict[str, Any]:
    return {
        "id": sop.sop_id,
        "clause": sop.clause,
        "title": sop.title.in_(lang),
        "scope": sop.scope.in_(lang) if sop.scope else None,
        "version": sop.version,
        "source": sop.source,
        "questions": [q.id for q in sop.questions],
    }


def step_dict(sop: SopSpec, step: StepSpec, lang: Lang) -> dict[str, Any]:
    return {
        "id": step.id,
        "per": cite(step.per),
        "says": [script_dict(s, step.id, lang) for s in step.says],
        "asks": step.asks.id if step.asks else None,
        "outcome": step.outcome,
        "carries": list(step.carries),
        "branches": [
            {
                "when": branch_label(step.asks, b.branch, lang) if step.asks else "?",
                "to": b.target,
                "per": cite(b.per),
            }
            for b in sop.branches_from(step.id)
        ],
    }


def sop_dict(sop: SopSpec, lang: Lang) -> dict[str, Any]:
    """Everything ``sopfsm show`` tells of a SOP."""
    return {
        **sop_summary(sop, lang),
        "questions": [
            {"id": q.id, "prompt": q.prompt.in_(lang), "accepted": q.accepted.in_(lang)}
            for q in sop.questions
        ],
        "clauses": [
            {"ref": ref, "text": text.id, "translation": text.en} for ref, text in clause_texts(sop)
        ],
        "steps": [step_dict(sop, step, lang) for step in sop.steps],
    }


def branch_label(question: Question, branch: Branch | None, lang: Lang) -> str:
    """The answers that take ``branch``, as a CSO reads them ("Ya", "Skema 1", "NIK sah")."""
    if branch is None:
        return "?"
    kind = question.kind
    if branch.values is None:
        return kind.label(kind.classes()[0].samples[0]).in_(lang)
    return " / ".join(kind.label(v).in_(lang) for v in branch.values)


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
