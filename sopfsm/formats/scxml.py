"""Export a SOP as a W3C SCXML document, for call platforms that run state charts.

One ``<state>`` per question step and one ``<final>`` per outcome step, with the step ids
as state ids. Every transition is on the event ``answer``; its ``cond`` tests the answer,
already checked and coerced by its question's type, in ``_event.data.value`` (``true`` /
``false``, ``1`` / ``2``, the tariff names; no ``cond`` where every accepted answer takes
one branch; for the NIK, any answer but ``not_at_hand``, and for the meter reading any
answer but ``not_known``). Each final state's ``<donedata>`` gives the event data
``{"outcome": code}``, its APKT outcome code. What SCXML has no element for (the scripts of
each step, the question each asks and its type, the provenance of each branch) is carried
in elements and attributes of the namespace :data:`NAMESPACE`, which SCXML processors
ignore and a platform can read to show the CSO what to say.

The document runs unchanged on python-statemachine (``statemachine.io.load``) and on SCION
(``@scion-scxml/scxml``, an ECMAScript interpreter); tests/formats proves that both end
every answer path of the audit where ``sopfsm run`` does, SCION with the same outcome.
"""

from __future__ import annotations

import ast
import json
import re
import xml.etree.ElementTree as ET
from typing import Final
from xml.sax.saxutils import escape, quoteattr

from sopfsm.answers import AnswerKind, Value
from sopfsm.declare import ANSWER_EVENT
from sopfsm.errors import SopFileError, SopFileProblem, one_line
from sopfsm.formats.kinds import CATALOGUE_QUESTIONS, answer_word, named_values, type_name
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.questions import Question

SCXML_NAMESPACE: Final = "http://www.w3.org/2005/07/scxml"
NAMESPACE: Final = "urn:sopfsm:scxml:1"
_SOP = "{" + NAMESPACE + "}"


def literal(value: Value) -> str:
    """``value`` as an ECMAScript literal (which python-statemachine's evaluator also reads)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'"


def machine_name(sop_id: str) -> str:
    """``sop_id`` as the ``<scxml name>``: an ECMAScript identifier, since SCION names the
    JavaScript function it compiles a document into after it (``lebih-tagih`` would be a
    syntax error there). The SOP id itself is in the datamodel, as ``sop_id``."""
    name = re.sub(r"[^A-Za-z0-9_$]", "_", sop_id)
    return f"_{name}" if not name or name[0].isdigit() else name


def cond_of(branch: BranchSpec, kind: AnswerKind) -> str | None:
    """The ``cond`` of ``branch`` from a question of ``kind``: None when every accepted
    answer takes it; for ``any``, the answers that give no value (no NIK at hand) are
    excluded by name."""
    if branch.branch is None:
        return None
    if branch.branch.values is None:
        given = branch.branch
        tests = [
            f"_event.data.value !== {literal(v)}"
            for v in named_values(kind)
            if not given.matches(v)
        ]
        return " && ".join(tests) or None
    return " || ".join(f"_event.data.value === {literal(v)}" for v in branch.branch.values)


def sop_to_scxml(sop: SopSpec) -> str:
    """The SCXML document of ``sop``: byte-stable, so it can be committed and diffed."""
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f"<!-- SOP {escape(sop.sop_id)} (clause {escape(sop.clause)}), exported by sopfsm. "
        "Send the event 'answer' with data {value: ...}, the answer coerced by the "
        "question's type (sop:ask type). -->",
        f'<scxml xmlns="{SCXML_NAMESPACE}" xmlns:sop="{NAMESPACE}" version="1.0" '
        f'datamodel="ecmascript" name={quoteattr(machine_name(sop.sop_id))} '
        f"initial={quoteattr(sop.initial.id)}>",
        "  <datamodel>",
    ]
    identity = (
        ("sop_id", sop.sop_id),
        ("sop_clause", sop.clause),
        ("sop_version", sop.version),
        *((("sop_effective", sop.effective),) if sop.effective is not None else ()),
        ("sop_source", sop.source),
    )
    out += [f"    <data id={quoteattr(k)} expr={quoteattr(literal(v))}/>" for k, v in identity]
    out += ["  </datamodel>"]
    out += _title(sop)
    for step in sop.steps:
        out += _step(sop, step)
    out.append("</scxml>")
    return "\n".join(out) + "\n"


def _text(tag: str, indent: str, id_text: str, en_text: str) -> list[str]:
    return [
        f'{indent}<sop:{tag} xml:lang="id">{escape(id_text)}</sop:{tag}>',
        f'{indent}<sop:{tag} xml:lang="en">{escape(en_text)}</sop:{tag}>',
    ]


def _title(sop: SopSpec) -> list[str]:
    scope = () if sop.scope is None else _text("scope", "    ", sop.scope.id, sop.scope.en)
    title = _text("title", "    ", sop.title.id, sop.title.en)
    return ["  <sop:sop>", *title, *scope, "  </sop:sop>"]


def _step(sop: SopSpec, step: StepSpec) -> list[str]:
    tag = "final" if step.final else "state"
    per = f" per={quoteattr(step.per.label)}" if step.per else ""
    out = [f"  <{tag} id={quoteattr(step.id)}>", f"    <sop:step{per}/>"]
    for script in step.says:
        kind = script.kind.value
        out.append(f"    <sop:say kind={quoteattr(kind)} per={quoteattr(script.per.label)}>")
        out += _text("text", "      ", script.text.id, script.text.en)
        out.append("    </sop:say>")
    if step.asks is not None:
        question = step.asks
        out.append(
            f"    <sop:ask question={quoteattr(question.id)} "
            f"type={quoteattr(type_name(question.kind))}>"
        )
        out += _text("prompt", "      ", question.prompt.id, question.prompt.en)
        out.append("    </sop:ask>")
        for branch in sop.branches_from(step.id):
            out.append(_transition(branch, question.kind))
    if step.outcome is not None:
        code = quoteattr(step.outcome)
        if step.carries:
            out.append(f"    <sop:outcome code={code}>")
            out += [f"      <sop:carries question={quoteattr(q)}/>" for q in step.carries]
            out.append("    </sop:outcome>")
        else:
            out.append(f"    <sop:outcome code={code}/>")
        # A JSON <content>, not a <param>: SCION compiles every <donedata>'s params to
        # one function (named after a position <donedata> does not have), so every final
        # state would give the last one's outcome; a <content> has a position of its own.
        # Both give the event the data {"outcome": code}.
        out.append("    <donedata>")
        out.append(f"      <content>{escape(json.dumps({'outcome': step.outcome}))}</content>")
        out.append("    </donedata>")
    out.append(f"  </{tag}>")
    return out


def _transition(branch: BranchSpec, kind: AnswerKind) -> str:
    cond = cond_of(branch, kind)
    shown = (
        "any"
        if branch.branch is None or branch.branch.values is None
        else " ".join(str(answer_word(v)) for v in branch.branch.values)
    )
    attributes = [f'event="{ANSWER_EVENT}"']
    if cond is not None:
        attributes.append(f"cond={quoteattr(cond)}")
    attributes.append(f"target={quoteattr(branch.target)}")
    attributes.append(f"sop:answer={quoteattr(shown)}")
    if branch.per is not None:
        attributes.append(f"sop:per={quoteattr(branch.per.label)}")
    return f"    <transition {' '.join(attributes)}/>"


def question_types(document: str) -> dict[str, tuple[str, str]]:
    """What each state of an exported document asks: state id -> (question id, type).

    A platform (or a test) reads this to check and coerce an answer before it sends
    ``answer``; the machine itself ignores an answer no ``cond`` matches."""
    root = ET.fromstring(document)
    asks: dict[str, tuple[str, str]] = {}
    for state in root.iter(f"{{{SCXML_NAMESPACE}}}state"):
        ask = state.find(f"{_SOP}ask")
        if ask is not None:
            asks[state.attrib["id"]] = (ask.attrib["question"], ask.attrib["type"])
    return asks


def outcome_codes(document: str) -> dict[str, str]:
    """The APKT outcome code of each final state of an exported document."""
    root = ET.fromstring(document)
    return {
        final.attrib["id"]: outcome.attrib["code"]
        for final in root.iter(f"{{{SCXML_NAMESPACE}}}final")
        if (outcome := final.find(f"{_SOP}outcome")) is not None
    }


def read_scxml(text: str, file: str = "<sop>") -> SopSpec:
    """The SOP an SCXML document exported by sopfsm describes, read back from its
    ``sop:`` elements; :class:`SopFileError` when it is not such a document, or the SOP
    it describes has mistakes (a SOP citing clauses of its own cannot be read back: the
    export names the clauses it cites, not their texts)."""
    from sopfsm.formats.interpret import spec_from_document
    from sopfsm.formats.located import Located

    located = Located(file)
    try:
        located.data = _document(ET.fromstring(text))
    except ET.ParseError as error:
        line, column = error.position
        problem = SopFileProblem(file, line, column + 1, f"not valid XML: {error}")
        raise SopFileError(file, [problem]) from None
    except KeyError as error:
        problem = SopFileProblem(file, 1, 1, f"not an SCXML export of a SOP: missing {error}")
        raise SopFileError(file, [problem]) from None
    except (ValueError, SyntaxError) as error:  # a datamodel expr that is not a literal
        message = f"not an SCXML export of a SOP: a value that is not a literal ({error})"
        raise SopFileError(file, [SopFileProblem(file, 1, 1, one_line(message))]) from None
    return spec_from_document(located)


def _texts(element: ET.Element, tag: str) -> dict[str, str]:
    lang = "{http://www.w3.org/XML/1998/namespace}lang"
    return {t.attrib[lang]: t.text or "" for t in element.findall(f"{_SOP}{tag}")}


def _document(root: ET.Element) -> dict[str, object]:
    data = {
        d.attrib["id"]: ast.literal_eval(d.attrib["expr"])
        for d in root.iter(f"{{{SCXML_NAMESPACE}}}data")
    }
    sop = root.find(f"{_SOP}sop")
    if sop is None:
        raise KeyError("sop:sop")
    doc: dict[str, object] = {
        "sopfsm": 1,
        "id": data["sop_id"],
        "clause": data["sop_clause"],
        "title": _texts(sop, "title"),
        "version": data["sop_version"],
        "source": data["sop_source"],
    }
    if "sop_effective" in data:
        doc["effective"] = data["sop_effective"]
    if scope := _texts(sop, "scope"):
        doc["scope"] = scope
    states = [
        e for e in root if e.tag in (f"{{{SCXML_NAMESPACE}}}state", f"{{{SCXML_NAMESPACE}}}final")
    ]
    # The first step is the initial one in a SOP file.
    states.sort(key=lambda e: e.attrib["id"] != root.attrib["initial"])
    doc["steps"] = [_step_document(state) for state in states]
    return doc


def _step_document(state: ET.Element) -> dict[str, object]:
    step = state.find(f"{_SOP}step")
    doc: dict[str, object] = {"id": state.attrib["id"]}
    if step is not None and "per" in step.attrib:
        doc["per"] = step.attrib["per"]
    says = [
        {"kind": say.attrib["kind"], "per": say.attrib["per"], **_texts(say, "text")}
        for say in state.findall(f"{_SOP}say")
    ]
    if says:
        doc["say"] = says
    ask = state.find(f"{_SOP}ask")
    if ask is not None:
        question_id, type_ = ask.attrib["question"], ask.attrib["type"]
        prompt = _texts(ask, "prompt")
        known = CATALOGUE_QUESTIONS.get(question_id)
        same = known is not None and type_name(known.kind) == type_ and _text_of(known) == prompt
        doc["ask"] = question_id if same else {"id": question_id, "type": type_, "prompt": prompt}
        doc["branches"] = [
            _branch_document(t) for t in state.findall(f"{{{SCXML_NAMESPACE}}}transition")
        ]
    outcome = state.find(f"{_SOP}outcome")
    if outcome is not None:
        doc["outcome"] = outcome.attrib["code"]
        carries = [c.attrib["question"] for c in outcome.findall(f"{_SOP}carries")]
        if carries:
            doc["carries"] = carries
    return doc


def _text_of(question: Question) -> dict[str, str]:
    return {"id": question.prompt.id, "en": question.prompt.en}


def _branch_document(transition: ET.Element) -> dict[str, object]:
    words = transition.attrib[f"{_SOP}answer"].split(" ")
    answer: object = words[0] if len(words) == 1 else words
    doc = {"answer": answer, "to": transition.attrib["target"]}
    if f"{_SOP}per" in transition.attrib:
        doc["per"] = transition.attrib[f"{_SOP}per"]
    return doc
