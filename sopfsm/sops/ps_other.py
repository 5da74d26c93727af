"""Clause 2's parenthesis: a PS for any other purpose (not welding, not a bereavement).

"keperluan apapun jika pernyataan Pelanggan memang dibutuhkan segera": when the customer
says it is needed right away, the request is processed per the PS SOP with scheme 1 or 2
of the region (with clause 3's general rule: a request the customer calls urgent is handled
as urgent). READING.md decides the access warning of clause 2 is given here too, and that a
request not needed right away is handled as welding not urgent.
"""

from __future__ import annotations

from sopfsm.declare import NO, YES, Script, Sop, ask, note, outcome, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import REGION_SCHEME, URGENT
from sopfsm.sops.ps_welding import (
    ACCESS_WARNING,
    ASK_AGAIN_WHEN_NEEDED,
    CLOSED_NOT_URGENT,
    ps_scheme_outcomes,
)
from sopfsm.text import Text

_OTHER = assumption("ps-other-purpose")
# Clause 2's own words, given for another purpose by READING.md's decision.
ACCESS_ADVICE = Script(ACCESS_WARNING.text, _OTHER, ACCESS_WARNING.kind)
ASK_AGAIN = Script(ASK_AGAIN_WHEN_NEEDED.text, _OTHER, ASK_AGAIN_WHEN_NEEDED.kind)
CLOSED = Script(CLOSED_NOT_URGENT.text, _OTHER, CLOSED_NOT_URGENT.kind)
URGENT_AS_STATED = note(
    clause("3"),
    id="Bila Pelanggan menyatakan permohonan ini urgent (dibutuhkan segera), layanan mengacu "
    "pada permohonan yang bersifat urgent.",
    en="When the customer states the request is urgent (needed right away), it is served as "
    "an urgent request.",
)


class PsOther(Sop):
    """Clause 2's parenthesis: PS for any other purpose."""

    sop_id = "ps-other"
    clause_ref = "2"
    title = Text(
        id="PS untuk keperluan lain",
        en="Temporary connection (PS) for another purpose",
    )
    scope = Text(
        id="Permohonan PS untuk keperluan selain pengelasan rumah tinggal atau kedukaan.",
        en="A PS request for a purpose other than welding at a residence or a bereavement.",
    )

    ask_urgent = ask(URGENT, per=clause("2"), say=[URGENT_AS_STATED], initial=True)
    ask_region_scheme = ask(REGION_SCHEME, per=clause("2"), say=[ACCESS_ADVICE])

    scheme_1, scheme_2 = ps_scheme_outcomes()
    closed_not_urgent = outcome("APKT_ISSUE_CLOSED", per=_OTHER, say=[ASK_AGAIN, CLOSED])

    answer = (
        ask_urgent.to(ask_region_scheme, cond=when(YES, per=clause("2")))
        | ask_urgent.to(closed_not_urgent, cond=when(NO, per=_OTHER))
        | ask_region_scheme.to(scheme_1, cond=when(1, per=clause("2")))
        | ask_region_scheme.to(scheme_2, cond=when(2, per=clause("2")))
    )
