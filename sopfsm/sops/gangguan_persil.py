"""Clause 5C: an outage at one premises (Gangguan 1 Persil) that needs an officer on site.

An extra COVID-19 question, as for Niaga requests: is access to the customer's location
restricted? If so, tell the customer to coordinate with the RT or local officials so that
the PLN officer will be let in. READING.md decides the report goes to the unit either way.
"""

from __future__ import annotations

from sopfsm.declare import NO, YES, Sop, ask, do, outcome, say, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import ACCESS_RESTRICTED
from sopfsm.text import Text

COORDINATE_WITH_RT = say(
    clause("5C"),
    id="Agar Pelanggan melakukan koordinasi ke RT atau perangkat daerah setempat, sehingga "
    "apabila petugas PLN datang dapat diizinkan akses ke lokasi Pelanggan.",
    en="The customer should coordinate with the RT or local officials, so that if a PLN "
    "officer comes they can be allowed access to the customer's location.",
)
OUTAGE_TO_UNIT = do(
    assumption("persil-outcome"),
    id="Kirim laporan gangguan ke Unit PLN terkait via APKT, dengan catatan kondisi akses.",
    en="Send the outage report to the unit via APKT, noting the access situation.",
)


class GangguanPersil(Sop):
    """Clause 5C: single-premises outage."""

    sop_id = "gangguan-persil"
    clause_ref = "5C"
    title = Text(
        id="Pengaduan Gangguan 1 Persil (petugas ke lokasi)",
        en="Single-premises outage needing an officer on site",
    )
    scope = Text(
        id="Gangguan 1 Persil yang memerlukan penanganan petugas ke lokasi Pelanggan.",
        en="An outage at one premises that needs an officer on site.",
    )

    ask_access = ask(ACCESS_RESTRICTED, per=clause("5C"), initial=True)

    to_unit_access_restricted = outcome(
        "APKT_TO_UNIT",
        per=assumption("persil-outcome"),
        say=[COORDINATE_WITH_RT, OUTAGE_TO_UNIT],
        carries=["access_restricted"],
    )
    to_unit = outcome(
        "APKT_TO_UNIT",
        per=assumption("persil-outcome"),
        say=[OUTAGE_TO_UNIT],
        carries=["access_restricted"],
    )

    answer = ask_access.to(
        to_unit_access_restricted, cond=when(YES, per=clause("5C"))
    ) | ask_access.to(to_unit, cond=when(NO, per=assumption("persil-outcome")))
