"""READING.md as an independent decision table, written from the text, not from the machines.

For each SOP: given the caller's answers, the questions the CSO asks in order and the
outcome. Tests compare the machines against this; it never imports a SOP module.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping

Answers = Mapping[str, object]
Expectation = tuple[tuple[str, ...], str, str]  # (questions asked, outcome code, clause)

TO_UNIT, CLOSED, HANDOFF = "APKT_TO_UNIT", "APKT_ISSUE_CLOSED", "REGULAR_SOP"
NO_NIK = "not_at_hand"  # the answer when the customer has no NIK at hand ("tidak ada")
A_NIK = "3171010101900001"
A_READING = 4321.0
NO_READING = "not_known"  # the answer when the customer cannot give the stand APP ("tidak tahu")


def niaga_overdue(a: Answers) -> Expectation:
    # 1b and 1c asked on every path (decision), then 1e or 1f by urgency.
    if a["urgent"]:
        return ("urgent", "access_restricted"), TO_UNIT, "1e"
    return ("urgent", "access_restricted"), CLOSED, "1f"


def ps_welding(a: Answers) -> Expectation:
    if not a["urgent"]:
        return ("urgent",), CLOSED, "decision-2-not-urgent"
    return ("urgent", "region_scheme"), f"PS_SCHEME_{a['region_scheme']}", "2"


def ps_other(a: Answers) -> Expectation:
    # Clause 2's parenthesis: any purpose, if needed right away; else as welding not urgent.
    if not a["urgent"]:
        return ("urgent",), CLOSED, "decision-2-other-not-urgent"
    return ("urgent", "region_scheme"), f"PS_SCHEME_{a['region_scheme']}", "2"


def unit_request(a: Answers) -> Expectation:  # noqa: ARG001  # nothing is asked
    return (), TO_UNIT, "4"


def ps_bereavement(a: Answers) -> Expectation:
    return ("region_scheme",), f"PS_SCHEME_{a['region_scheme']}", "3"  # always urgent


def turun_daya(a: Answers) -> Expectation:
    if a["target_tariff"] == "non_subsidized":
        return ("target_tariff",), TO_UNIT, "5A.1"
    if a["nik"] == NO_NIK:
        return ("target_tariff", "nik"), CLOSED, "decision-5A.2-no-nik"
    if a["nik_eligible"]:
        return ("target_tariff", "nik", "nik_eligible"), TO_UNIT, "5A.2b"
    return ("target_tariff", "nik", "nik_eligible", "asks_about_eligibility"), CLOSED, "5A.2a"


def lebih_tagih(a: Answers) -> Expectation:
    if a["accepts_explanation"]:
        return ("accepts_explanation",), CLOSED, "5B-accepts"
    if a["meter_reading"] == NO_READING:
        # Round 3: the report still goes to the unit, the reading recorded as not known.
        return ("accepts_explanation", "meter_reading"), TO_UNIT, "decision-5B-not-known"
    return ("accepts_explanation", "meter_reading"), TO_UNIT, "5B-objects"


def gangguan_persil(a: Answers) -> Expectation:  # noqa: ARG001  # one outcome for all
    return ("access_restricted",), TO_UNIT, "5C"  # decision: to the unit on every path


def triage(a: Answers) -> Expectation:
    """The front door: the matter, the clause's scope where it states one, then its SOP."""
    matter = a["matter"]
    if matter == "outside_update":
        # Round 3: a matter none of clauses 1-5C covers is a choice of its own: hand-off.
        return ("matter",), HANDOFF, "decision-outside-update"
    if matter == "niaga" and not a["registered_online"]:
        # Round 3: clause 1 covers web/mandiri and CC PLN 123 only, asked before the TMP.
        return ("matter", "registered_online"), HANDOFF, "scope-niaga-channel"
    if matter == "ps":
        purposes = {"welding": ps_welding, "bereavement": ps_bereavement, "other": ps_other}
        asked, code, why = purposes[str(a["ps_purpose"])](a)
        return ("matter", "ps_purpose", *asked), code, why
    scope = {"niaga": "tmp_passed", "lebih_tagih": "objects_to_paying"}
    scope["gangguan_persil"] = "needs_officer"
    clause_sop = {
        "niaga": niaga_overdue,
        "turun_daya": turun_daya,
        "lebih_tagih": lebih_tagih,
        "gangguan_persil": gangguan_persil,
        "unit_request": unit_request,
    }[str(matter)]
    channel = ("registered_online",) if matter == "niaga" else ()
    if matter in scope:
        if not a[scope[str(matter)]]:
            return ("matter", *channel, scope[str(matter)]), HANDOFF, f"scope-{matter}"
        asked, code, why = clause_sop(a)
        return ("matter", *channel, scope[str(matter)], *asked), code, why
    asked, code, why = clause_sop(a)
    return ("matter", *asked), code, why


TABLE: dict[str, Callable[[Answers], Expectation]] = {
    "triage": triage,
    "niaga-overdue": niaga_overdue,
    "ps-welding": ps_welding,
    "ps-other": ps_other,
    "ps-bereavement": ps_bereavement,
    "unit-request": unit_request,
    "turun-daya": turun_daya,
    "lebih-tagih": lebih_tagih,
    "gangguan-persil": gangguan_persil,
}

DOMAINS: dict[str, tuple[object, ...]] = {
    "matter": (
        "niaga",
        "ps",
        "turun_daya",
        "lebih_tagih",
        "gangguan_persil",
        "unit_request",
        "outside_update",
    ),
    "registered_online": (True, False),
    "tmp_passed": (True, False),
    "ps_purpose": ("welding", "bereavement", "other"),
    "objects_to_paying": (True, False),
    "needs_officer": (True, False),
    "urgent": (True, False),
    "access_restricted": (True, False),
    "region_scheme": (1, 2),
    "target_tariff": ("subsidized", "non_subsidized"),
    "nik": (A_NIK, NO_NIK),
    "nik_eligible": (True, False),
    "asks_about_eligibility": (True, False),
    "accepts_explanation": (True, False),
    "meter_reading": (A_READING, NO_READING),
}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "niaga-overdue": ("urgent", "access_restricted"),
    "ps-welding": ("urgent", "region_scheme"),
    "ps-other": ("urgent", "region_scheme"),
    "unit-request": (),
    "ps-bereavement": ("region_scheme",),
    "turun-daya": ("target_tariff", "nik", "nik_eligible", "asks_about_eligibility"),
    "lebih-tagih": ("accepts_explanation", "meter_reading"),
    "gangguan-persil": ("access_restricted",),
}
QUESTIONS["triage"] = (
    "matter",
    "registered_online",
    "tmp_passed",
    "ps_purpose",
    "objects_to_paying",
    "needs_officer",
    *dict.fromkeys(q for qs in QUESTIONS.values() for q in qs),
)


def endings(sop_id: str) -> tuple[str, ...]:
    """How a call of ``sop_id`` may end: an APKT outcome, or at the front door the hand-off."""
    apkt = (TO_UNIT, CLOSED, "PS_SCHEME_1", "PS_SCHEME_2")
    return (*apkt, HANDOFF) if sop_id == "triage" else apkt


def expected(sop_id: str, answers: Answers) -> Expectation:
    return TABLE[sop_id](answers)


def combinations(sop_id: str) -> Iterator[dict[str, object]]:
    """Every combination of the SOP's answers, restricted to the questions it asks."""
    names = QUESTIONS[sop_id]
    seen = set()
    for values in itertools.product(*(DOMAINS[n] for n in names)):
        full = dict(zip(names, values, strict=True))
        asked, _, _ = expected(sop_id, full)
        asked_answers = {q: full[q] for q in asked}
        key = tuple(sorted(asked_answers.items()))
        if key not in seen:
            seen.add(key)
            yield asked_answers
