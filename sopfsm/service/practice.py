"""The practice room's scenarios: every answer path of every SOP, as a trainee plays it.

Each path of the audit's path table becomes a customer story written from its answers
(in Indonesian and English) and a list of moves: at each step the trainee picks, among a
few steps of the same SOP, what to say or do and what to ask next, or the outcome. Each
move names the clause (or assumption) that decides it, so a wrong pick is explained by
the document's own words.
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any

from sopfsm.audit import PathRow, audit
from sopfsm.catalogue import all_sops
from sopfsm.model import SopSpec, StepSpec
from sopfsm.provenance import Provenance
from sopfsm.questions import Question
from sopfsm.text import LANGS, Text
from sopfsm.views import (
    both_languages,
    cite_words,
    in_language,
    sample_of,
    script_view,
    script_words,
    view_json,
)

PRACTICE_CHOICES = 3  # moves offered at each step of a practice run

CALLS = Text(id="Pelanggan menelepon PLN 123", en="A customer calls PLN 123")  # a story's start

# What the customer (or the application) tells the CSO, per answer class: the lines a
# practice story is written from. A question missing here is told as "prompt: answer".
STORY: dict[tuple[str, str], Text] = {
    ("urgent", "yes"): Text(
        id="Pelanggan mengatakan permohonannya mendesak dan tidak dapat ditunda.",
        en="The customer says the request is urgent and cannot wait.",
    ),
    ("urgent", "no"): Text(
        id="Pelanggan mengatakan permohonannya masih dapat ditunda.",
        en="The customer says the request can wait.",
    ),
    ("access_restricted", "yes"): Text(
        id="Jalan menuju lokasi Pelanggan sedang ditutup oleh warga setempat.",
        en="The road to the customer's location is closed off by local residents.",
    ),
    ("access_restricted", "no"): Text(
        id="Tidak ada pembatasan akses ke lokasi Pelanggan.",
        en="Nothing restricts access to the customer's location.",
    ),
    ("region_scheme", "1"): Text(
        id="Wilayah Pelanggan memakai skema PS 1.", en="The customer's region uses PS scheme 1."
    ),
    ("region_scheme", "2"): Text(
        id="Wilayah Pelanggan memakai skema PS 2.", en="The customer's region uses PS scheme 2."
    ),
    ("target_tariff", "subsidized"): Text(
        id="Pelanggan ingin turun daya ke daya Subsidi.",
        en="The customer wants to lower the power to a subsidised tariff.",
    ),
    ("target_tariff", "non_subsidized"): Text(
        id="Pelanggan ingin turun daya ke daya Non Subsidi.",
        en="The customer wants to lower the power to a non-subsidised tariff.",
    ),
    ("nik", "<valid NIK>"): Text(
        id="Pelanggan menyebutkan NIK-nya: {sample}.", en="The customer gives the NIK {sample}."
    ),
    ("nik_eligible", "yes"): Text(
        id="Cek NIK di aplikasi: Pelanggan terdaftar sebagai penerima subsidi (DTKS).",
        en="The NIK check in the application: a registered subsidy recipient (DTKS).",
    ),
    ("nik_eligible", "no"): Text(
        id="Cek NIK di aplikasi: Pelanggan tidak terdaftar sebagai penerima subsidi (DTKS).",
        en="The NIK check in the application: not a registered subsidy recipient (DTKS).",
    ),
    ("asks_about_eligibility", "yes"): Text(
        id="Pelanggan merasa berhak dan menanyakan bagaimana menjadi penerima subsidi.",
        en="The customer feels entitled and asks how to become a subsidy recipient.",
    ),
    ("asks_about_eligibility", "no"): Text(
        id="Pelanggan tidak bertanya lebih lanjut.", en="The customer asks nothing more."
    ),
    ("accepts_explanation", "yes"): Text(
        id="Setelah dijelaskan, Pelanggan menerima.",
        en="Once it is explained, the customer accepts.",
    ),
    ("accepts_explanation", "no"): Text(
        id="Setelah dijelaskan, Pelanggan tetap keberatan membayar.",
        en="Even after the explanation, the customer still objects to paying.",
    ),
    ("nik", "<no NIK at hand>"): Text(
        id="Pelanggan tidak dapat menyebutkan NIK-nya saat ini.",
        en="The customer cannot give a NIK right now.",
    ),
    ("matter", "niaga"): Text(
        id="Permohonan Niaga Pelanggan belum juga terealisasi.",
        en="The customer's Niaga request has still not been realised.",
    ),
    ("matter", "ps"): Text(
        id="Pelanggan meminta penyambungan sementara (PS).",
        en="The customer asks for a temporary connection (PS).",
    ),
    ("matter", "turun_daya"): Text(
        id="Pelanggan ingin menurunkan daya.", en="The customer wants to lower the power."
    ),
    ("matter", "lebih_tagih"): Text(
        id="Pelanggan mengeluhkan tagihan yang terlalu besar.",
        en="The customer complains the bill is too high.",
    ),
    ("matter", "gangguan_persil"): Text(
        id="Listrik di rumah Pelanggan padam, hanya di persil itu.",
        en="The power is out at the customer's premises alone.",
    ),
    ("matter", "unit_request"): Text(
        id="Pelanggan punya permohonan lain yang dulu harus diurus ke Unit.",
        en="The customer has another request that used to need a visit to the unit.",
    ),
    ("matter", "outside_update"): Text(
        id="Pelanggan menanyakan hal yang tidak dibahas pembaruan ini, misalnya info tarif.",
        en="The customer asks about something this update does not cover, such as tariffs.",
    ),
    ("registered_online", "yes"): Text(
        id="Permohonan didaftarkan lewat web.", en="The request was registered on the web."
    ),
    ("registered_online", "no"): Text(
        id="Permohonan didaftarkan langsung di kantor Unit.",
        en="The request was registered in person at the unit's office.",
    ),
    ("tmp_passed", "yes"): Text(
        id="TMP penyambungannya sudah lewat.", en="Its connection TMP has passed."
    ),
    ("tmp_passed", "no"): Text(
        id="TMP penyambungannya belum lewat.", en="Its connection TMP has not passed."
    ),
    ("ps_purpose", "welding"): Text(
        id="PS itu untuk pengelasan di rumah tinggal.", en="The PS is for welding at a home."
    ),
    ("ps_purpose", "bereavement"): Text(
        id="PS itu untuk acara kedukaan.", en="The PS is for a funeral."
    ),
    ("ps_purpose", "other"): Text(
        id="PS itu untuk hajatan keluarga.", en="The PS is for a family celebration."
    ),
    ("objects_to_paying", "yes"): Text(
        id="Pelanggan keberatan membayar dan meminta koreksi rekening.",
        en="The customer objects to paying and asks for a bill correction.",
    ),
    ("objects_to_paying", "no"): Text(
        id="Pelanggan hanya bertanya, tidak keberatan membayar.",
        en="The customer only asks; they do not object to paying.",
    ),
    ("needs_officer", "yes"): Text(
        id="Gangguan itu perlu petugas datang ke lokasi.",
        en="The outage needs an officer on site.",
    ),
    ("needs_officer", "no"): Text(
        id="Gangguan itu dapat diatasi tanpa petugas ke lokasi.",
        en="The outage can be resolved without an officer on site.",
    ),
    ("meter_reading", "<reading not known>"): Text(
        id="Pelanggan tidak tahu stand APP-nya.", en="The customer does not know the reading."
    ),
    ("meter_reading", "<valid reading>"): Text(
        id="Stand APP saat Pelanggan melapor: {sample} kWh.",
        en="The meter reading (stand APP) at the time of the report: {sample} kWh.",
    ),
}


def move(step: StepSpec) -> dict[str, Any]:
    """A step as one move the trainee may pick: what is said or done, then the ask or end."""
    view = {
        "says": [script_words(script_view(script, step.id)) for script in step.says],
        "asks": step.asks.prompt if step.asks else None,
        "outcome": step.outcome,
    }
    return view_json(view, None)


def story_line(question: Question, class_label: str) -> Text:
    """What the customer (or the application) tells the CSO: one line of a story."""
    sample = sample_of(question.kind, class_label)
    shown = str(sample)
    if isinstance(sample, float):  # as Indonesians write it: 12.345,5
        shown = f"{sample:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
    line = STORY.get((question.id, class_label))
    if line is None:
        answer = question.kind.label(sample)
        return both_languages(
            {lang: f"{question.prompt.in_(lang)} — {answer.in_(lang)}" for lang in LANGS}
        )
    return both_languages({lang: line.in_(lang).format(sample=shown) for lang in LANGS})


def _stable_order(key: str) -> str:
    """A fixed shuffle: the right move is not always first, and the JSON never changes."""
    return hashlib.sha256(key.encode()).hexdigest()


def scenario(sop: SopSpec, row: PathRow) -> dict[str, Any]:
    """One answer path as a practice run: the story, then one move per step taken."""
    scenario_id = sop.sop_id + ":" + ",".join(f"{q}={c}" for q, c in row.answers)
    opening = both_languages({lang: f"{CALLS.in_(lang)}: {sop.title.in_(lang)}." for lang in LANGS})
    story: list[dict[str, str]] = [opening.as_json()]
    answers: list[dict[str, str]] = []
    moves = [
        _move(sop, scenario_id, source=None, heard=None, right=sop.initial, per=sop.initial.per)
    ]
    hops = zip(row.steps, row.steps[1:], strict=False)
    for (question_id, class_label), (source, target) in zip(row.answers, hops, strict=True):
        question = sop.step(source).asks
        assert question is not None  # the audit's rows follow the SOP's own branches
        assert question.id == question_id
        value = sample_of(question.kind, class_label)
        branch = next(
            b for b in sop.branches_from(source) if b.target == target and b.matches(value)
        )
        answers.append(question.kind.label(value).as_json())
        line = story_line(question, class_label).as_json()
        story.append(line)
        moves.append(
            _move(
                sop, scenario_id, source=source, heard=line, right=sop.step(target), per=branch.per
            )
        )
    return {
        "id": scenario_id,
        "sop": sop.sop_id,
        "clause": sop.clause,
        "title": sop.title.as_json(),
        "story": story,
        "answers": answers,
        "outcome": row.outcome,
        "steps": list(row.steps),
        "moves": moves,
    }


def _move(
    sop: SopSpec,
    scenario_id: str,
    *,
    source: str | None,
    heard: dict[str, str] | None,
    right: StepSpec,
    per: Provenance | None,
) -> dict[str, Any]:
    """The choice after ``heard``: the right next step among a few, grouped by what they say.

    Two steps that say and ask the same (clause 1's access question after either urgency
    answer) are one move to the trainee, so choices are told apart by their words.
    """
    key = f"{scenario_id}/{source}"
    siblings = [sop.step(b.target) for b in sop.branches_from(source)] if source else []
    own = sorted(sop.steps, key=lambda step: _stable_order(f"{key}/{step.id}"))
    # A SOP of one step (clause 4's) borrows its wrong moves from the other SOPs; their
    # steps are named by their SOP, so that a step id of two SOPs is never mistaken.
    foreign = sorted(
        ((other.sop_id, step) for other in all_sops() if other != sop for step in other.steps),
        key=lambda pair: _stable_order(f"{key}/{pair[0]}/{pair[1].id}"),
    )
    candidates = [(step.id, step) for step in [right, *siblings, *own] if step.id != source]
    candidates += [(f"{other}/{step.id}", step) for other, step in foreign]
    choices: dict[str, dict[str, Any]] = {}
    for name, step in candidates:
        shown = move(step)
        words = repr(shown)
        if words in choices:
            if name not in choices[words]["steps"]:
                choices[words]["steps"].append(name)
        elif len(choices) < PRACTICE_CHOICES:
            choices[words] = {**shown, "steps": [name]}
    ordered = sorted(choices.values(), key=lambda c: _stable_order(f"{key}/{c['steps'][0]}"))
    return {
        "at": source,
        "heard": heard,
        "choices": ordered,
        "right": next(n for n, c in enumerate(ordered) if right.id in c["steps"]),
        "per": per.label if per else None,
        "why": in_language(cite_words(per), None),
    }


@functools.cache
def practice_document() -> dict[str, Any]:
    """Every answer path of every bundled SOP as a practice scenario (the page's document,
    :func:`sopfsm.service.pages.practice_body`, adds the words for each outcome)."""
    scenarios: list[dict[str, Any]] = []
    for sop in all_sops():
        paths = audit(sop).paths or ()  # None: too many paths to list, none to practise
        scenarios.extend(scenario(sop, row) for row in paths)
    return {"scenarios": scenarios}
