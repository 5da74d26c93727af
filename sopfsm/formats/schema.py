"""The JSON Schema of SOP files: built from the catalogue, shipped as package data.

:func:`sop_schema` builds the schema from what sopfsm knows (question types, catalogue
questions, outcome codes), so an editor completes exactly what the loader accepts. The
built schema is committed as ``schemas/sop.schema.json`` (and ``docs/sop.schema.json``);
a test fails when either differs from :func:`sop_schema`.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any, Final

from sopfsm.declare import OUTCOME_CODES, REGULAR_SOP, SCRIPT_KINDS
from sopfsm.errors import SopFileProblem
from sopfsm.formats.kinds import ANY_ANSWER, CATALOGUE_QUESTIONS, QUESTION_TYPES
from sopfsm.formats.located import FORMAT_VERSION, Located, Path

SCHEMA_ID: Final = "urn:sopfsm:sop-file:1"
SCHEMA_FILE: Final = "sop.schema.json"

_STEP_ID = r"^[A-Za-z_][A-Za-z0-9_]*$"
_SOP_ID = "^[a-z0-9]+(-[a-z0-9]+)*$"
_DATE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_MOMENT = (
    "^[0-9]{4}-[0-9]{2}-[0-9]{2}"
    "([T ][0-9]{2}:[0-9]{2}(:[0-9]{2})?)?( ?(WIB|WITA|WIT)|[+-][0-9]{2}:[0-9]{2}|Z)?$"
)
_PATTERNS = {
    _STEP_ID: "a name of letters, digits and _ that does not start with a digit",
    _SOP_ID: "lowercase letters and digits in words joined by -, like lebih-tagih",
    _DATE: "a date YYYY-MM-DD, like 2020-04-10",
    _MOMENT: "a date YYYY-MM-DD, optionally with THH:MM and a zone (WIB, WITA, WIT or +HH:MM)",
}


def _text(what: str) -> dict[str, Any]:
    return {
        "type": "object",
        "description": f"{what}, in Indonesian (id) and English (en).",
        "required": ["id", "en"],
        "additionalProperties": False,
        "properties": {
            "id": {"type": "string", "minLength": 1, "title": "Bahasa Indonesia"},
            "en": {"type": "string", "minLength": 1, "title": "English"},
        },
    }


def sop_schema() -> dict[str, Any]:
    """The schema of a SOP file, as a JSON-ready dict."""
    per = {
        "type": ["string", "integer"],
        "title": "Provenance",
        "description": 'Why: a clause of the source document ("5B", "1e") or a named '
        'assumption where the document is silent ("A:nik-check").',
    }
    answer_word = {"type": ["string", "integer"]}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sopfsm SOP file",
        "description": "One Standard Operating Procedure of the PLN 123 contact centre: its "
        "steps, what the CSO says, the questions asked, the branch each answer takes, and "
        "the APKT outcome each call ends in. Load it with `sopfsm audit FILE`.",
        "type": "object",
        "required": ["sopfsm", "id", "clause", "title", "version", "source", "steps"],
        "additionalProperties": False,
        "properties": {
            "sopfsm": {
                "const": FORMAT_VERSION,
                "title": "Format version",
                "description": f"The version of the SOP file format: {FORMAT_VERSION}.",
            },
            "id": {
                "type": "string",
                "pattern": _SOP_ID,
                "title": "SOP id",
                "description": "The name call software and QA use, e.g. lebih-tagih.",
            },
            "clause": {
                "type": ["string", "integer"],
                "title": "Clause",
                "description": "The clause of the source document this SOP implements.",
            },
            "title": _text("The SOP's title"),
            "scope": _text(
                "When the SOP applies (its clause's scope condition); leave it out when the "
                "SOP applies whenever its matter is raised"
            ),
            "version": {
                "type": "string",
                "pattern": _DATE,
                "title": "Version",
                "description": "The SOP's version: the date of the update it implements "
                "(YYYY-MM-DD). A call keeps the version it started under; saved calls "
                "name it.",
            },
            "effective": {
                "type": "string",
                "pattern": _MOMENT,
                "title": "Effective from",
                "description": "When this version takes effect: YYYY-MM-DD, optionally "
                "with THH:MM and a zone (WIB, WITA, WIT or +HH:MM; WIT when none). Leave it "
                "out for the start of the version's date, WIT. It must come after the "
                "effective moment of the version before it.",
            },
            "source": {
                "type": "string",
                "title": "Source document",
                "description": "The document the SOP implements. The bundled document's "
                "clauses and assumptions may be cited; any other document declares its own "
                "under clauses and assumptions.",
            },
            "clauses": {
                "type": "object",
                "title": "Clauses of the source document",
                "description": "Clauses this file may cite, by their number in the document.",
                "additionalProperties": _text("The clause's words"),
            },
            "assumptions": {
                "type": "object",
                "title": "Named assumptions",
                "description": "Decisions taken where the document is silent; cite as A:name.",
                "additionalProperties": {"$ref": "#/$defs/assumption"},
            },
            "steps": {
                "type": "array",
                "minItems": 1,
                "title": "Steps",
                "description": "The steps of the call; the first step is where it starts.",
                "items": {"$ref": "#/$defs/step"},
            },
        },
        "$defs": {
            "assumption": {
                "type": "object",
                "required": ["where", "silent_on", "decision"],
                "additionalProperties": False,
                "properties": {
                    "where": {
                        "type": ["string", "integer"],
                        "description": "The clause it belongs to.",
                    },
                    "silent_on": {
                        "type": "string",
                        "description": "What the document does not say.",
                    },
                    "decision": _text("The decision taken, and its reason"),
                },
            },
            "script": {
                "type": "object",
                "title": "Script",
                "description": "Something the CSO says, does, or notes at this step.",
                "required": ["kind", "per", "id", "en"],
                "additionalProperties": False,
                "properties": {
                    "kind": {
                        "enum": list(SCRIPT_KINDS),
                        "description": "said: words to the customer; done: an action in "
                        "the systems; note: guidance for the CSO.",
                    },
                    "per": per,
                    "id": {"type": "string", "minLength": 1, "title": "Bahasa Indonesia"},
                    "en": {"type": "string", "minLength": 1, "title": "English"},
                },
            },
            "question": {
                "title": "Question",
                "description": "A catalogue question by id, or a question of this SOP with "
                "its own id, type and prompt.",
                "anyOf": [
                    {"enum": sorted(CATALOGUE_QUESTIONS), "description": "A catalogue question."},
                    {
                        "type": "object",
                        "required": ["id", "type", "prompt"],
                        "additionalProperties": False,
                        "properties": {
                            "id": {"type": "string", "pattern": _STEP_ID},
                            "type": {
                                "enum": list(QUESTION_TYPES),
                                "description": "What answers it takes.",
                            },
                            "prompt": _text("What the CSO asks"),
                        },
                    },
                ],
            },
            "branch": {
                "type": "object",
                "title": "Branch",
                "description": "Where the call goes for some answers, and why.",
                "required": ["answer", "to", "per"],
                "additionalProperties": False,
                "properties": {
                    "answer": {
                        "description": 'The answers that take this branch: "yes" or "no" '
                        "(in quotes), a scheme number, a tariff name, a list of these, or "
                        f"{ANY_ANSWER} for every answer that gives a value (a NIK, a meter "
                        "reading); not_at_hand when the customer has no NIK at hand; "
                        "not_known when the customer cannot give the meter reading.",
                        "anyOf": [
                            answer_word,
                            {"type": "array", "minItems": 1, "items": answer_word},
                        ],
                    },
                    "to": {"type": "string", "pattern": _STEP_ID, "description": "A step id."},
                    "per": per,
                },
            },
            "step": {
                "type": "object",
                "title": "Step",
                "description": "A step asks a question (ask, branches) or ends the call "
                "(outcome, carries).",
                "required": ["id", "per"],
                "additionalProperties": False,
                "properties": {
                    "id": {
                        "type": "string",
                        "pattern": _STEP_ID,
                        "description": "The step's name: letters, digits and _.",
                    },
                    "per": per,
                    "say": {"type": "array", "items": {"$ref": "#/$defs/script"}},
                    "ask": {"$ref": "#/$defs/question"},
                    "branches": {"type": "array", "items": {"$ref": "#/$defs/branch"}},
                    "outcome": {
                        "enum": [*OUTCOME_CODES, REGULAR_SOP],
                        "description": "The APKT outcome the call ends in; REGULAR_SOP is "
                        "the front door's hand-off to the regular SOP where a clause's scope "
                        "does not hold (the audit allows it nowhere else).",
                    },
                    "carries": {
                        "type": "array",
                        "items": {"type": "string"},
                        "description": "Question ids whose answers the outcome carries to "
                        "the unit.",
                    },
                },
            },
        },
    }


def schema_json() -> str:
    """The schema as the committed file holds it."""
    return json.dumps(sop_schema(), ensure_ascii=False, indent=2) + "\n"


@functools.cache
def shipped_schema() -> dict[str, Any]:
    """The schema shipped in the package (what the loader validates against)."""
    text = resources.files("sopfsm.formats").joinpath("schemas", SCHEMA_FILE).read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def schema_problems(located: Located) -> list[tuple[Path, SopFileProblem]]:
    """Every place ``located`` breaks the schema (where, and what was expected there)."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(shipped_schema())
    problems: dict[SopFileProblem, Path] = {}
    for found in validator.iter_errors(located.data):
        error = _deepest(found)
        path: Path = tuple(error.absolute_path)
        if error.validator == "additionalProperties" and isinstance(error.instance, dict):
            allowed = error.schema.get("properties", {})
            for extra in (k for k in error.instance if k not in allowed):
                message = f"unknown key {extra!r}; expected one of: {', '.join(allowed)}"
                problems[located.problem((*path, extra), message, key=True)] = path
            continue
        problems[located.problem(path, _expected(error))] = path
    ordered = sorted(problems, key=lambda p: (p.line, p.column, p.message))
    return [(problems[problem], problem) for problem in ordered]


def _deepest(error: Any) -> Any:
    """Of the alternatives (anyOf) a value fails, the one it was evidently meant as: an
    object is not meant as a name, so a failure inside it beats a failure of its type."""
    from jsonschema.exceptions import best_match

    while error.context:
        inside = [e for e in error.context if e.path or e.validator not in ("type", "enum")]
        error = best_match(inside or error.context)
    return error


def _expected(error: Any) -> str:
    if error.validator == "enum":
        return f"{error.instance!r} is not one of: {', '.join(map(str, error.validator_value))}"
    if error.validator == "const":
        return f"expected {error.validator_value!r}, not {error.instance!r}"
    if error.validator == "pattern":
        wanted = _PATTERNS.get(error.validator_value, f"text matching {error.validator_value}")
        return f"expected {wanted}, not {error.instance!r}"
    if error.validator == "type":
        return f"expected {' or '.join(_types(error.validator_value))}, not {error.instance!r}"
    return str(error.message)


def _types(value: object) -> list[str]:
    names = {
        "string": "text",
        "integer": "a whole number",
        "object": "a mapping",
        "array": "a list",
    }
    wanted = value if isinstance(value, list) else [value]
    return [names.get(str(t), str(t)) for t in wanted]
