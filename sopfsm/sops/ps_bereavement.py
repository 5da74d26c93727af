"""Clause 3: PS for a bereavement is urgent.

Processed directly per the PS SOP with scheme 1 or 2 by region: urgency is never asked.
READING.md decides that the access advice of clause 2 is given here too.
"""

from __future__ import annotations

from sopfsm.declare import Script, ScriptKind, Sop, ask, note, say, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import REGION_SCHEME
from sopfsm.sops.ps_welding import ACCESS_WARNING, ps_scheme_outcomes
from sopfsm.text import Text

# Plain words for a bereaved customer; the scheme is the CSO's business (READING.md).
URGENT_BY_NATURE = say(
    assumption("bereavement-plain-words"),
    id="Permohonan penyambungan sementara untuk kedukaan termasuk kategori urgent dan dapat "
    "langsung diproses.",
    en="A temporary connection for a bereavement is urgent and can be processed directly.",
)
BY_REGION_SCHEME = note(
    clause("3"),
    id="Diproses sesuai SOP PS dengan skema 1 atau 2 sesuai wilayah Pelanggan; skema tidak "
    "perlu disebutkan kepada Pelanggan.",
    en="Processed per the PS SOP with scheme 1 or 2 according to the customer's region; the "
    "scheme need not be mentioned to the customer.",
)
NOT_ASKED_URGENCY = note(
    assumption("bereavement-always-urgent"),
    id="Urgensi tidak ditanyakan: PS kedukaan selalu urgent, juga bila Pelanggan menyebutnya "
    "tidak mendesak.",
    en="Urgency is not asked: a bereavement PS is always urgent, even when the customer calls "
    "it not urgent.",
)
# The same words as clause 2's warning, given here by READING.md's decision.
ACCESS_ADVICE = Script(
    ACCESS_WARNING.text, assumption("bereavement-access-advice"), ScriptKind.SAID
)


class PsBereavement(Sop):
    """Clause 3: PS for a bereavement."""

    sop_id = "ps-bereavement"
    clause_ref = "3"
    title = Text(id="PS kedukaan (urgent)", en="Temporary connection (PS) for a bereavement")
    scope = Text(id="Permohonan PS untuk kedukaan.", en="A PS request for a bereavement.")

    ask_region_scheme = ask(
        REGION_SCHEME,
        per=clause("3"),
        say=[NOT_ASKED_URGENCY, URGENT_BY_NATURE, ACCESS_ADVICE, BY_REGION_SCHEME],
        initial=True,
    )
    scheme_1, scheme_2 = ps_scheme_outcomes()

    answer = ask_region_scheme.to(scheme_1, cond=when(1, per=clause("3"))) | ask_region_scheme.to(
        scheme_2, cond=when(2, per=clause("3"))
    )
