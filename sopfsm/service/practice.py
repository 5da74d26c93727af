"""The practice room's scenarios: every answer path of every SOP, as a trainee plays it.

Each path of the audit's path table becomes a run of moves. At each step the trainee
picks, among the right move and a few wrong ones of the same SOP (and, on the front
door, of the same clause), what to say or do and what to ask next, or the outcome. The
customer answers only what the trainee asks: each move carries what the customer said in
answer to the previous move's question, and the page shows it once that move is reached.
Each move names what decides it and quotes the document's deciding sentence, so a wrong
pick is explained in the document's own words; the score is kept by clause, named.

:func:`attempt` shuffles one scenario's choices for one attempt from a seed, so that no
key is more often right than another and a test can replay any attempt.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import random
import re
from typing import Any

from sopfsm.assumptions import ASSUMPTIONS
from sopfsm.audit import PathRow, audit
from sopfsm.catalogue import all_sops, get_sop
from sopfsm.clauses import CLAUSES
from sopfsm.compose import part_of
from sopfsm.errors import InvalidAnswer
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.provenance import Assumption, Clause, Provenance
from sopfsm.questions import Question
from sopfsm.text import LANGS, Lang, Text
from sopfsm.views import (
    both_languages,
    sample_of,
    script_view,
    script_words,
    view_json,
)

PRACTICE_CHOICES = 3  # moves offered at each step of a practice run

CALLS = Text(id="Pelanggan menelepon PLN 123", en="A customer calls PLN 123")  # a story's start

FRONT_DOOR = "front"  # the score row of the front door's own decisions (assumption front-door)

# The score rows: each clause of the document by its number and a name a trainer knows it
# by (the front door has no clause: it decides which clause a call is about).
CLAUSE_NAMES: dict[str, Text] = {
    FRONT_DOOR: Text(id="Pintu masuk: keperluan Pelanggan", en="Front door: the customer's matter"),
    "1": Text(id="1 Niaga belum terealisasi", en="1 Niaga request not realised"),
    "2": Text(id="2 PS pengelasan dan keperluan lain", en="2 PS for welding and other purposes"),
    "3": Text(id="3 PS Kedukaan", en="3 PS for a bereavement"),
    "4": Text(id="4 Permohonan yang dulu diarahkan ke Unit", en="4 Requests once sent to the unit"),
    "5A": Text(id="5A Turun Daya", en="5A Turun Daya (lowering the power)"),
    "5B": Text(id="5B Lebih Tagih", en="5B Lebih Tagih (over-billing)"),
    "5C": Text(id="5C Gangguan 1 Persil", en="5C Gangguan 1 Persil (single-premises outage)"),
}

# Questions whose answer the trainee types, as a CSO types it into the call screen.
TYPED = {"nik", "meter_reading"}

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

# Moves a CSO is tempted by where a SOP has too few steps of its own to choose among:
# clause 4's one step. Each is what the clause forbids, so the clause's sentence explains
# why it is wrong.
TEMPTING: dict[str, tuple[dict[str, Any], ...]] = {
    "4": (
        {
            "says": [
                {
                    "text": Text(
                        id="Silakan datang ke kantor Unit PLN terdekat untuk mengurus "
                        "permohonan Bapak/Ibu.",
                        en="Please go to the nearest PLN unit office to arrange your request.",
                    ),
                    "per": None,
                    "kind": "said",
                }
            ],
            "asks": None,
            "outcome": None,
        },
        {
            "says": [
                {
                    "text": Text(
                        id="Sampaikan bahwa permohonan tidak dapat dilayani selama pandemi.",
                        en="Tell the customer the request cannot be served during the pandemic.",
                    ),
                    "per": None,
                    "kind": "said",
                }
            ],
            "asks": None,
            "outcome": "APKT_ISSUE_CLOSED",
        },
    ),
}

# Words that tell no sentence of a clause from another (the scoring of
# :func:`deciding_sentence` counts the rest).
_COMMON = frozenset(
    (  # noqa: SIM905 - a list of words reads best as words
        "yang dan atau di ke dari untuk dengan pada ini itu tsb maka jika apabila akan dapat "
        "sesuai bahwa kepada oleh saat juga agar telah ada sudah harus kami anda bapak "
        "ibu pelanggan pln sampaikan the a an to of and or is are be it for on in at by with "
        "that this as if customer"
    ).split()
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _COMMON)


def sentences(text: str) -> list[str]:
    """A clause's text cut into its sentences ("No." in "No. NIK" ends none)."""
    parts = re.split(r"(?<=\.)(?<!\bNo\.)\s+(?=[A-Z\"(])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def quotable(sentence: str) -> str:
    """A sentence as quoted to a trainee: never a heading that ends in a colon.

    Clause 1 and 5A.2 end "...antara lain :" and "...pada aplikasi :", the lead-in to a
    list; what decides is the condition before it, so the lead-in is cut and marked.
    """
    shown = sentence.strip().rstrip(",").rstrip()
    if not shown.endswith(":"):
        return shown
    shown = shown.rstrip(":").rstrip()
    for lead_in in (", maka langkah", ", the steps"):
        cut = shown.rfind(lead_in)
        if cut > 0:
            shown = shown[:cut]
    return shown + " …"


def _clause_refs(per: Provenance | None, right: StepSpec) -> list[str]:
    """The clauses whose sentences may decide a move cited to ``per``.

    A clause decides by its own words. An assumption decides where the document is
    silent, but its step still rests on the clause it reads, whose sentence is quoted."""
    if isinstance(per, Clause):
        return [per.ref] if per.ref in CLAUSES else []
    refs = [p.ref for p in (right.per, *(s.per for s in right.says)) if isinstance(p, Clause)]
    if isinstance(per, Assumption) and per.name in ASSUMPTIONS:
        refs += [w.strip() for w in ASSUMPTIONS[per.name].where.split(",")]
    return list(dict.fromkeys(r for r in refs if r in CLAUSES))


def _move_words(right: StepSpec, lang: Lang) -> frozenset[str]:
    texts = [s.text.in_(lang) for s in right.says]
    if right.asks is not None:
        texts.append(right.asks.prompt.in_(lang))
    if right.outcome is not None:
        texts.append(right.outcome.replace("_", " "))
    return _words(" ".join(texts))


def _score(sentence: str, move_words: frozenset[str], heard_words: frozenset[str]) -> int:
    """How well ``sentence`` decides a move: the document's "Jika ..." sentences name the
    answer just heard, so its words count twice those of the move itself."""
    words = _words(sentence)
    return 2 * len(heard_words & words) + len(move_words & words)


def deciding_sentence(
    per: Provenance | None, right: StepSpec, heard: Text | None
) -> tuple[Text, str] | None:
    """The document's sentence that decides the move to ``right`` after ``heard``, quoted,
    with the clause it is from; None when no clause's words bear on it (the front door)."""
    best: tuple[int, str, int] | None = None
    words = _move_words(right, "id")
    heard_words = _words(heard.id) if heard is not None else frozenset()
    for ref in _clause_refs(per, right):
        for n, sentence in enumerate(sentences(CLAUSES[ref].id)):
            score = _score(sentence, words, heard_words)
            if best is None or score > best[0]:
                best = (score, ref, n)
    if best is None or (best[0] == 0 and not isinstance(per, Clause)):
        return None
    _, ref, n = best
    said = sentences(CLAUSES[ref].id)[n]
    english = sentences(CLAUSES[ref].en)
    if len(english) != len(sentences(CLAUSES[ref].id)):  # pragma: no cover - kept aligned
        en_words = _move_words(right, "en")
        en_heard = _words(heard.en) if heard is not None else frozenset()
        english = [max(english, key=lambda s: _score(s, en_words, en_heard))] * (n + 1)
    return Text(id=quotable(said), en=quotable(english[n])), ref


def why(per: Provenance | None, right: StepSpec, heard: Text | None) -> dict[str, Any]:
    """What explains a wrong pick: the deciding sentence, quoted, and where it is from.

    ``quote`` is the document's sentence (``from`` its clause); where no clause's words
    decide (the front door), the assumption's decision, ``from`` the assumption. ``reading``
    adds an assumption's decision beside a quoted clause when it says something more."""
    found = deciding_sentence(per, right, heard)
    decision = (
        ASSUMPTIONS[per.name].decision
        if isinstance(per, Assumption) and per.name in ASSUMPTIONS
        else None
    )
    if found is None:
        quote = decision if decision is not None else Text(id="?", en="?")
        return {"quote": quote.as_json(), "from": per.label if per else None, "reading": None}
    quote, ref = found
    # "Satu jawaban ya/tidak." adds nothing a trainee can use beside the clause's sentence.
    telling = decision is not None and len(decision.id.split()) > 5
    return {
        "quote": quote.as_json(),
        "from": ref,
        "reading": decision.as_json() if telling and decision is not None else None,
    }


def clause_of(per: Provenance | None) -> str:
    """The score row a move counts in: its clause's number (1, 2, ..., 5C), or the front
    door for the assumption that routes a call to a clause."""
    if isinstance(per, Clause):
        found = re.match(r"\d[A-Z]?", per.ref)
        if found and found.group() in CLAUSE_NAMES:
            return found.group()
    if isinstance(per, Assumption) and per.name in ASSUMPTIONS:
        where = ASSUMPTIONS[per.name].where.split(",")[0].strip()
        found = re.match(r"\d[A-Z]?", where)
        if found and found.group() in CLAUSE_NAMES:
            return found.group()
    return FRONT_DOOR


def move(step: StepSpec) -> dict[str, Any]:
    """A step as one move the trainee may pick: what is said or done, then the ask or end."""
    view = {
        "says": [script_words(script_view(script, step.id)) for script in step.says],
        "asks": step.asks.prompt if step.asks else None,
        "outcome": step.outcome,
    }
    return view_json(view, None)


def shown_sample(question: Question, class_label: str) -> str:
    """The value of an answer class as the customer says it (a reading as Indonesians
    write it: 12.345,5)."""
    sample = sample_of(question.kind, class_label)
    if isinstance(sample, float):
        return f"{sample:,.1f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return str(sample)


def story_line(question: Question, class_label: str) -> Text:
    """What the customer (or the application) tells the CSO: one line of a story."""
    shown = shown_sample(question, class_label)
    line = STORY.get((question.id, class_label))
    if line is None:
        answer = question.kind.label(sample_of(question.kind, class_label))
        return both_languages(
            {lang: f"{question.prompt.in_(lang)} — {answer.in_(lang)}" for lang in LANGS}
        )
    return both_languages({lang: line.in_(lang).format(sample=shown) for lang in LANGS})


def _stable_order(key: str) -> str:
    """A fixed order of candidate distractors: the JSON never changes between runs."""
    return hashlib.sha256(key.encode()).hexdigest()


def scenario(sop: SopSpec, row: PathRow) -> dict[str, Any]:
    """One answer path as a practice run: one move per step taken, each with what the
    customer answered to the move before."""
    scenario_id = sop.sop_id + ":" + ",".join(f"{q}={c}" for q, c in row.answers)
    opening = both_languages({lang: f"{CALLS.in_(lang)}: {sop.title.in_(lang)}." for lang in LANGS})
    story: list[dict[str, str]] = [opening.as_json()]
    answers: list[dict[str, str]] = []
    moves = [_move(sop, source=None, heard=None, right=sop.initial, branch=None)]
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
        line = story_line(question, class_label)
        story.append(line.as_json())
        typed = None
        # Only a value the customer gives is typed ("<valid NIK>"), never "no NIK at hand".
        if question.id in TYPED and class_label.startswith("<valid"):
            typed = {
                "sop": sop.sop_id,
                "question": question.id,
                "prompt": question.prompt.as_json(),
                "said": shown_sample(question, class_label),
                "value": value,
                "per": clause_of(sop.step(source).per),
            }
        moves.append(_move(sop, source=source, heard=line, right=sop.step(target), branch=branch))
        moves[-1]["typed"] = typed
    return {
        "id": scenario_id,
        "sop": sop.sop_id,
        "clause": sop.clause,
        "title": sop.title.as_json(),
        "opening": opening.as_json(),
        "story": story,
        "answers": answers,
        "outcome": row.outcome,
        "steps": list(row.steps),
        "moves": moves,
    }


def _distractors(sop: SopSpec, source: str | None, right: StepSpec) -> list[tuple[str, Any]]:
    """Wrong moves from the same clause: the question's other answers first (the likeliest
    confusion), then the other steps of the right move's own part of the SOP."""
    siblings = [sop.step(b.target) for b in sop.branches_from(source)] if source else []
    part = part_of(right.id)
    own = sorted(
        (step for step in sop.steps if part_of(step.id) == part),
        key=lambda step: _stable_order(f"{sop.sop_id}/{source}/{right.id}/{step.id}"),
    )
    found: list[tuple[str, Any]] = [
        (step.id, step) for step in [*siblings, *own] if step.id not in (source, right.id)
    ]
    tempting = TEMPTING.get(sop.clause, ())
    found += [(f"tempting-{n}", words) for n, words in enumerate(tempting)]
    return found


def _move(
    sop: SopSpec,
    *,
    source: str | None,
    heard: Text | None,
    right: StepSpec,
    branch: BranchSpec | None,
) -> dict[str, Any]:
    """The choice after ``heard``: the right next step among a few, grouped by what they say.

    Two steps that say and ask the same (clause 1's access question after either urgency
    answer) are one move to the trainee, so choices are told apart by their words. The
    right move is first here; :func:`attempt` shuffles.
    """
    per = branch.per if branch is not None else right.per
    choices: dict[str, dict[str, Any]] = {}
    for name, step in [(right.id, right), *_distractors(sop, source, right)]:
        shown = move(step) if isinstance(step, StepSpec) else view_json(step, None)
        words = repr(shown)
        if words in choices:
            if name not in choices[words]["steps"]:
                choices[words]["steps"].append(name)
        elif len(choices) < PRACTICE_CHOICES:
            choices[words] = {**shown, "steps": [name]}
    clause = clause_of(per)
    return {
        "at": source,
        "heard": heard.as_json() if heard is not None else None,
        "choices": list(choices.values()),
        "right": 0,
        "per": per.label if per else None,
        "clause": clause,
        "why": why(per, right, heard),
        "typed": None,
    }


@functools.cache
def practice_document() -> dict[str, Any]:
    """Every answer path of every bundled SOP as a practice scenario (the page's document,
    :func:`sopfsm.service.pages.practice_body`, adds the words for each outcome)."""
    scenarios: list[dict[str, Any]] = []
    for sop in all_sops():
        paths = audit(sop).paths or ()  # None: too many paths to list, none to practise
        scenarios.extend(scenario(sop, row) for row in paths)
    names = {key: name.as_json() for key, name in CLAUSE_NAMES.items()}
    return {"scenarios": scenarios, "clauses": names}


@functools.cache
def _by_id() -> dict[str, dict[str, Any]]:
    return {s["id"]: s for s in practice_document()["scenarios"]}


def attempt(scenario_id: str, seed: int) -> dict[str, Any]:
    """Scenario ``scenario_id`` as attempt ``seed`` plays it: each move's choices in an
    order drawn from the seed, so the right move is under any key equally often and the
    same seed replays the same attempt. Raises KeyError for an unknown scenario."""
    shuffled = copy.deepcopy(_by_id()[scenario_id])
    draw = random.Random(f"{scenario_id}#{seed}")  # a str seed is stable across runs
    for entry in shuffled["moves"]:
        order = list(range(len(entry["choices"])))
        draw.shuffle(order)
        entry["choices"] = [entry["choices"][n] for n in order]
        entry["right"] = order.index(entry["right"])
    shuffled["seed"] = seed
    return shuffled


def check_typed(sop_id: str, question_id: str, raw: str) -> Any:
    """The value ``raw`` typed for ``question_id``, as the call API would take it.

    Raises :class:`InvalidAnswer` with the call API's refusal for a value it refuses."""
    sop = get_sop(sop_id)
    question = sop.question(question_id)
    if question is None or question_id not in TYPED:
        raise InvalidAnswer(question_id, raw, _NOT_TYPED, _TYPED_WORDS)
    return question.coerce(raw)


_NOT_TYPED = Text(id="bukan pertanyaan yang diketik", en="not a typed question")
_TYPED_WORDS = Text(id=", ".join(sorted(TYPED)), en=", ".join(sorted(TYPED)))
