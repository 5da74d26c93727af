"""READING.md as an independent decision table, written from the text, not from the machines.

For each SOP: given the caller's answers, the questions the CSO asks in order and the
outcome. Tests compare the machines against this; it never imports a SOP module.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping

Answers = Mapping[str, object]
Expectation = tuple[tuple[str, ...], str, str]  # (questions asked, outcome code, clause)

TO_UNIT, CLOSED = "APKT_TO_UNIT", "APKT_ISSUE_CLOSED"
A_NIK = "3171010101900001"
A_READING = 4321.0


def niaga_overdue(a: Answers) -> Expectation:
    # 1b and 1c asked on every path (decision), then 1e or 1f by urgency.
    if a["urgent"]:
        return ("urgent", "access_restricted"), TO_UNIT, "1e"
    return ("urgent", "access_restricted"), CLOSED, "1f"


def ps_welding(a: Answers) -> Expectation:
    if not a["urgent"]:
        return ("urgent",), CLOSED, "decision-2-not-urgent"
    return ("urgent", "region_scheme"), f"PS_SCHEME_{a['region_scheme']}", "2"


def ps_bereavement(a: Answers) -> Expectation:
    return ("region_scheme",), f"PS_SCHEME_{a['region_scheme']}", "3"  # always urgent


def turun_daya(a: Answers) -> Expectation:
    if a["target_tariff"] == "non_subsidized":
        return ("target_tariff",), TO_UNIT, "5A.1"
    if a["nik_eligible"]:
        return ("target_tariff", "nik", "nik_eligible"), TO_UNIT, "5A.2b"
    return ("target_tariff", "nik", "nik_eligible", "asks_about_eligibility"), CLOSED, "5A.2a"


def lebih_tagih(a: Answers) -> Expectation:
    if a["accepts_explanation"]:
        return ("accepts_explanation",), CLOSED, "5B-accepts"
    return ("accepts_explanation", "meter_reading"), TO_UNIT, "5B-objects"


def gangguan_persil(a: Answers) -> Expectation:  # noqa: ARG001  # one outcome for all
    return ("access_restricted",), TO_UNIT, "5C"  # decision: to the unit on every path


TABLE: dict[str, Callable[[Answers], Expectation]] = {
    "niaga-overdue": niaga_overdue,
    "ps-welding": ps_welding,
    "ps-bereavement": ps_bereavement,
    "turun-daya": turun_daya,
    "lebih-tagih": lebih_tagih,
    "gangguan-persil": gangguan_persil,
}

DOMAINS: dict[str, tuple[object, ...]] = {
    "urgent": (True, False),
    "access_restricted": (True, False),
    "region_scheme": (1, 2),
    "target_tariff": ("subsidized", "non_subsidized"),
    "nik": (A_NIK,),
    "nik_eligible": (True, False),
    "asks_about_eligibility": (True, False),
    "accepts_explanation": (True, False),
    "meter_reading": (A_READING,),
}

QUESTIONS: dict[str, tuple[str, ...]] = {
    "niaga-overdue": ("urgent", "access_restricted"),
    "ps-welding": ("urgent", "region_scheme"),
    "ps-bereavement": ("region_scheme",),
    "turun-daya": ("target_tariff", "nik", "nik_eligible", "asks_about_eligibility"),
    "lebih-tagih": ("accepts_explanation", "meter_reading"),
    "gangguan-persil": ("access_restricted",),
}


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
