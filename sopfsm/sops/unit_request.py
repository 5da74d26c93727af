"""Clause 4: every request that used to send the customer to the unit goes there via APKT.

The catch-all of the update: a request that the regular SOP answered by sending the
customer to the unit is now sent to the unit as an APKT report, and READING.md decides
the customer is told there is no need to go.
"""

from __future__ import annotations

from sopfsm.declare import Sop, do, outcome, say
from sopfsm.provenance import assumption, clause
from sopfsm.text import Text

SENT_TO_UNIT = do(
    clause("4"),
    id="Kirim permohonan Pelanggan ke Unit PLN terkait melalui APKT.",
    en="Send the customer's request to the unit via APKT.",
)
NO_NEED_TO_GO = say(
    assumption("unit-request"),
    id="Permohonan Pelanggan diteruskan ke Unit PLN terkait melalui APKT, sehingga Pelanggan "
    "tidak perlu datang ke Unit.",
    en="The customer's request is passed to the PLN unit concerned via APKT, so there is no "
    "need to go to the unit.",
)


class UnitRequest(Sop):
    """Clause 4: a request once answered by sending the customer to the unit."""

    sop_id = "unit-request"
    clause_ref = "4"
    title = Text(
        id="Permohonan lain yang sebelumnya mengarahkan Pelanggan ke Unit",
        en="Another request that previously sent the customer to the unit",
    )
    scope = Text(
        id="Permohonan yang sebelumnya dijawab dengan mengarahkan Pelanggan ke Unit PLN terkait.",
        en="A request that the regular SOP used to answer by directing the customer to the unit.",
    )

    to_unit = outcome(
        "APKT_TO_UNIT", per=clause("4"), say=[SENT_TO_UNIT, NO_NEED_TO_GO], initial=True
    )
