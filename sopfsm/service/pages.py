"""The CSO's call screen and the trainee's practice room: pages served at ``/``.

The pages are plain HTML, CSS and ES modules shipped in ``templates/`` and ``static/``;
they fetch nothing from outside. Besides the ``/v1`` API they read two JSON documents
built here from the core, both public (the bundled SOPs, nothing about any call):

- ``/pages/sops.json``: every SOP in both languages, with what each step says, does or
  notes, each question's answers as keyed buttons or a field, and each outcome in words,
  so that the call screen switches language without asking the service again;
- ``/pages/practice.json``: one practice scenario per answer path of every SOP (the
  audit's path table), with a customer story written from the answers and, at each
  step, the moves the trainee chooses from, the right one and the clause that decides it.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from sopfsm.answers import AnswerKind, Choice, MeterReading, Nik
from sopfsm.catalogue import (
    FRONT_DOOR,
    catalogue_generation,
    sop_version,
    sop_versions,
    sops_in_force,
)
from sopfsm.declare import KIND_WORDS
from sopfsm.diagram import MEANINGS
from sopfsm.model import SopSpec, StepSpec
from sopfsm.provenance import Provenance
from sopfsm.questions import Question
from sopfsm.text import Text
from sopfsm.views import (
    cite_words,
    class_of,
    question_view,
    script_words,
    select,
    sop_view,
    step_view,
    view_json,
)

# How an APKT report and the call's history name each answer.
ANSWER_NAMES: dict[str, Text] = {
    "urgent": Text(id="Mendesak", en="Urgent"),
    "access_restricted": Text(id="Akses ke lokasi dibatasi", en="Access restricted"),
    "region_scheme": Text(id="Skema PS wilayah", en="Region's PS scheme"),
    "target_tariff": Text(id="Turun daya ke", en="Lower power to"),
    "nik": Text(id="NIK", en="NIK"),
    "nik_eligible": Text(id="Penerima subsidi (DTKS)", en="Subsidy recipient (DTKS)"),
    "asks_about_eligibility": Text(
        id="Menanyakan kepesertaan subsidi", en="Asks about subsidy membership"
    ),
    "accepts_explanation": Text(id="Menerima penjelasan", en="Accepts the explanation"),
    "meter_reading": Text(id="Stand APP (kWh)", en="Meter reading, stand APP (kWh)"),
    # The front door's questions.
    "matter": Text(id="Keperluan", en="Matter"),
    "registered_online": Text(
        id="Didaftarkan via Web/mandiri atau CC PLN 123",
        en="Registered via the web/self-service or PLN 123",
    ),
    "tmp_passed": Text(id="TMP sudah terlewati", en="TMP passed"),
    "ps_purpose": Text(id="Keperluan PS", en="PS purpose"),
    "objects_to_paying": Text(id="Keberatan membayar", en="Objects to paying"),
    "needs_officer": Text(id="Perlu petugas ke lokasi", en="Needs an officer on site"),
}

# The outcomes in words, the hand-off among them (the flowcharts' words say of it that
# the clause's steps do not apply and clause 4 still does).
OUTCOME_WORDS: dict[str, Text] = dict(MEANINGS)


def page_routes() -> list[BaseRoute]:
    """The pages and their JSON, mounted by the service's app factory."""
    return [
        Route("/", _call_page, methods=["GET"], name="call_page"),
        Route("/practice", _practice_page, methods=["GET"], name="practice_page"),
        Route("/pages/sops.json", _sops_json, methods=["GET"], name="pages_sops"),
        Route("/pages/practice.json", _practice_json, methods=["GET"], name="pages_practice"),
    ]


# -- routes ------------------------------------------------------------------------------


async def _call_page(_request: Request) -> Response:
    return HTMLResponse(_template("call.html"))


async def _practice_page(_request: Request) -> Response:
    return HTMLResponse(_template("practice.html"))


async def _sops_json(_request: Request) -> Response:
    return JSONResponse(sops_document())


async def _practice_json(_request: Request) -> Response:
    return JSONResponse(practice_body())


@functools.cache
def _template(name: str) -> str:
    return resources.files("sopfsm.service").joinpath("templates").joinpath(name).read_text("utf-8")


# -- the SOPs, for the call screen -------------------------------------------------------


def answer_input(kind: AnswerKind) -> str:
    """How the screen takes the answer: keyed buttons, or a field of one kind."""
    if isinstance(kind, Choice):
        return "choice"
    if isinstance(kind, Nik):
        return "nik"
    if isinstance(kind, MeterReading):
        return "reading"
    return "text"


def option_keys(kind: Choice) -> list[dict[str, Any]]:
    """Each option's key: Y/T (N in English) for yes/no, 1, 2, ... for other choices."""
    values = [option.value for option in kind.options]
    if values == [True, False]:
        keys = [
            {"key": Text(id="Y", en="Y"), "also": ["Y"]},
            {"key": Text(id="T", en="N"), "also": ["T", "N"]},
        ]
    else:
        numbers = [str(n) for n in range(1, len(values) + 1)]
        keys = [{"key": Text(id=n, en=n), "also": [n]} for n in numbers]
    return [
        {
            "value": option.value,
            "class": class_of(kind, option.value),
            "label": option.label,
            **keys[n],
        }
        for n, option in enumerate(kind.options)
    ]


def question_json(question: Question) -> dict[str, Any]:
    """A question as the screen asks it: the view's, with its name, input and options."""
    kind = question.kind
    view = question_view(question)
    entry: dict[str, Any] = {
        **select(view, ["id"]),
        "name": ANSWER_NAMES.get(question.id, Text(id=question.id, en=question.id)),
        **view,
        "input": answer_input(kind),
    }
    if isinstance(kind, Choice):
        entry["options"] = option_keys(kind)
    else:  # a field; any further class (no NIK at hand) is a button beside it
        entry["options"] = [
            {
                "value": answer_class.samples[0],
                "class": answer_class.label,
                "label": kind.label(answer_class.samples[0]),
            }
            for answer_class in kind.classes()[1:]
        ]
    return view_json(entry, None)


# What the screen shows of a step: its scripts, and what it asks or how it ends; the
# branches are the service's to follow.
SCREEN_STEP = ("id", "per", "says", "asks", "outcome", "carries")


def step_json(sop: SopSpec, step: StepSpec) -> dict[str, Any]:
    view = step_view(sop, step)
    shown = {**select(view, SCREEN_STEP), "says": [script_words(s) for s in view["says"]]}
    return view_json(shown, None)


# What the screen shows of a SOP: its steps and questions by id, for the page to look up.
SCREEN_SOP = ("id", "clause", "version", "source", "title", "initial")


def sop_json(sop: SopSpec) -> dict[str, Any]:
    return {
        **view_json(select(sop_view(sop), SCREEN_SOP), None),
        "steps": {step.id: step_json(sop, step) for step in sop.steps},
        "questions": {q.id: question_json(q) for q in sop.questions},
    }


def sops_document() -> dict[str, Any]:
    """Every SOP for the call screen, both languages, with the page's words: the versions
    in force now in ``sops``, and in ``versions`` (id -> version -> SOP) the others: those
    a call may keep after they are replaced, and those yet to take effect, so that a page
    left open shows a call started under them in their own words."""
    current = sops_in_force()
    return _sops_document(tuple((s.sop_id, s.version) for s in current), catalogue_generation())


@functools.lru_cache(maxsize=8)
def _sops_document(current: tuple[tuple[str, str], ...], _generation: int) -> dict[str, Any]:
    sops = [sop_version(sop_id, version) for sop_id, version in current]
    others = [
        other
        for sop_id, version in current
        for other in sop_versions(sop_id)
        if other.version != version
    ]
    cites: dict[str, dict[str, str]] = {}
    for sop in (*sops, *others):
        for per in _provenances(sop):
            found = cite_words(per)
            if found is not None:
                cites[per.label] = found.as_json()
    versions: dict[str, dict[str, Any]] = {}
    for other in others:
        versions.setdefault(other.sop_id, {})[other.version] = sop_json(other)
    return {
        "front_door": FRONT_DOOR,
        "sops": [sop_json(sop) for sop in sops],
        "versions": versions,
        "outcomes": {code: words.as_json() for code, words in OUTCOME_WORDS.items()},
        "cites": cites,
        "kinds": {kind.value: words.as_json() for kind, words in KIND_WORDS.items()},
    }


@functools.cache
def practice_body() -> dict[str, Any]:
    """The practice room's scenarios, with the words for each outcome."""
    from sopfsm.service.practice import practice_document

    return {**practice_document(), "outcomes": sops_document()["outcomes"]}


def _provenances(sop: SopSpec) -> list[Provenance]:
    found: list[Provenance] = []
    for step in sop.steps:
        found.extend([step.per] if step.per else [])
        found.extend(script.per for script in step.says)
    found.extend(branch.per for branch in sop.branches if branch.per)
    return found
