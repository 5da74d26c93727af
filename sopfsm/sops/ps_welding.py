"""Clause 2: PS (temporary connection) for welding at a residence.

Urgent (for any purpose, if the customer says it is needed right away): processed per
the PS SOP with scheme 1 or 2 by region, with the access warning. READING.md decides the
not-urgent case: tell the COVID-19 situation, the request can be made again: closed.
"""

from __future__ import annotations

from sopfsm.declare import NO, YES, Sop, Step, ask, do, outcome, say, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import REGION_SCHEME, URGENT
from sopfsm.text import Text

ACCESS_WARNING = say(
    clause("2"),
    id='"Agar benar-benar dipastikan bahwa untuk menuju lokasi Bapak/Ibu tidak ada penutupan '
    'akses oleh pemerintah atau warga setempat."',
    en='"Please make sure that access to your location is not closed by the government or '
    'by local residents."',
)
PROCESSED_UNDER_SCHEME = do(
    assumption("ps-scheme-outcome"),
    id="Teruskan permohonan PS untuk diproses sesuai SOP PS dengan skema wilayah Pelanggan.",
    en="Send the PS request on for processing per the PS SOP under the region's scheme.",
)
ASK_AGAIN_WHEN_NEEDED = say(
    assumption("welding-not-urgent"),
    id="Kondisi saat ini terkait Covid-19; permohonan dapat diajukan kembali saat dibutuhkan.",
    en="The current COVID-19 situation; the request can be made again when it is needed.",
)
CLOSED_NOT_URGENT = do(
    assumption("welding-not-urgent"),
    id="Tutup laporan di CC PLN 123 (APKT ISSUE CLOSED).",
    en="Close the report at PLN 123 (APKT ISSUE CLOSED).",
)


def ps_scheme_outcomes() -> tuple[Step, Step]:
    """The PS outcomes of clauses 2 and 3: the request processed under scheme 1 or 2.

    A function, not two shared steps: each machine needs states of its own.
    """

    def processed_under(scheme: int) -> Step:
        return outcome(
            f"PS_SCHEME_{scheme}",
            per=assumption("ps-scheme-outcome"),
            say=[PROCESSED_UNDER_SCHEME],
            carries=["region_scheme"],
        )

    return processed_under(1), processed_under(2)


class PsWelding(Sop):
    """Clause 2: PS for welding at a residence."""

    sop_id = "ps-welding"
    clause_ref = "2"
    title = Text(
        id="PS kegiatan pengelasan untuk rumah tinggal",
        en="Temporary connection (PS) for welding at a residence",
    )
    scope = Text(
        id="Permohonan PS untuk kegiatan pengelasan di rumah tinggal.",
        en="A PS request for welding at a residence.",
    )

    ask_urgent = ask(URGENT, per=clause("2"), initial=True)
    ask_region_scheme = ask(REGION_SCHEME, per=clause("2"), say=[ACCESS_WARNING])

    scheme_1, scheme_2 = ps_scheme_outcomes()
    closed_not_urgent = outcome(
        "APKT_ISSUE_CLOSED",
        per=assumption("welding-not-urgent"),
        say=[ASK_AGAIN_WHEN_NEEDED, CLOSED_NOT_URGENT],
    )

    answer = (
        ask_urgent.to(ask_region_scheme, cond=when(YES, per=clause("2")))
        | ask_urgent.to(closed_not_urgent, cond=when(NO, per=assumption("welding-not-urgent")))
        | ask_region_scheme.to(scheme_1, cond=when(1, per=clause("2")))
        | ask_region_scheme.to(scheme_2, cond=when(2, per=clause("2")))
    )
