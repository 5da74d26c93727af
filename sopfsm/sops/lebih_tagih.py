"""Clause 5B: Lebih Tagih; the customer objects to paying and asks for a bill correction.

Explain that the bill is the average of the previous 3 months and will be adjusted when
conditions are normal. Accepts: APKT ISSUE CLOSED. Still objects: an APKT report to the
unit, with the meter reading (stand APP) at the time of the report.
"""

from __future__ import annotations

from sopfsm.declare import ANY, NO, YES, Sop, ask, do, outcome, say, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import ACCEPTS_EXPLANATION, METER_READING, NOT_KNOWN
from sopfsm.text import Text

THREE_MONTH_AVERAGE = say(
    clause("5B"),
    id="Kebijakan pengenaan tagihan rekening: dihitung rata-rata 3 bulan sebelumnya, dan akan "
    "dilakukan penyesuaian jika kondisi normal.",
    en="The billing policy: the bill is the average of the previous 3 months, and it will be "
    "adjusted when conditions are normal.",
)
CLOSED_AT_CC = do(
    clause("5B"),
    id="Pelanggan menerima: buat APKT ISSUE CLOSED.",
    en="The customer accepts: create APKT ISSUE CLOSED.",
)
REPORT_TO_UNIT = say(
    assumption("told-sent-to-unit"),
    id="Keberatan Pelanggan dilaporkan ke Unit PLN terkait via APKT, dengan stand APP saat "
    "Pelanggan melapor.",
    en="The customer's objection is reported to the PLN unit concerned via APKT, with the "
    "meter reading (stand APP) at the time of the report.",
)
SENT_WITH_READING = do(
    clause("5B"),
    id="Pelanggan tetap keberatan: buatkan laporan APKT ke Unit dengan stand APP yang "
    "disebutkan Pelanggan.",
    en="The customer still objects: create the APKT report to the unit with the meter "
    "reading the customer gave.",
)

SENT_READING_NOT_KNOWN = do(
    assumption("lebih-tagih-reading-not-known"),
    id="Pelanggan tetap keberatan: buatkan laporan APKT ke Unit; stand APP dicatat tidak "
    "diketahui (Pelanggan tidak dapat menyebutkannya), bukan angka tebakan.",
    en="The customer still objects: create the APKT report to the unit; the meter reading is "
    "recorded as not known (the customer cannot give it), never a guessed number.",
)


class LebihTagih(Sop):
    """Clause 5B: over-billing complaint."""

    sop_id = "lebih-tagih"
    clause_ref = "5B"
    title = Text(id="Keluhan Lebih Tagih", en="Over-billing complaint (Lebih Tagih)")
    scope = Text(
        id="Keluhan Lebih Tagih dan Pelanggan keberatan membayar (meminta koreksi rekening).",
        en="An over-billing complaint where the customer objects to paying (asks for a bill "
        "correction).",
    )

    explain_policy = ask(
        ACCEPTS_EXPLANATION, per=clause("5B"), say=[THREE_MONTH_AVERAGE], initial=True
    )
    ask_meter_reading = ask(METER_READING, per=clause("5B"), say=[REPORT_TO_UNIT])

    closed = outcome("APKT_ISSUE_CLOSED", per=clause("5B"), say=[CLOSED_AT_CC])
    to_unit = outcome(
        "APKT_TO_UNIT", per=clause("5B"), say=[SENT_WITH_READING], carries=["meter_reading"]
    )
    to_unit_reading_not_known = outcome(
        "APKT_TO_UNIT",
        per=assumption("lebih-tagih-reading-not-known"),
        say=[SENT_READING_NOT_KNOWN],
        carries=["meter_reading"],
    )

    answer = (
        explain_policy.to(closed, cond=when(YES, per=assumption("lebih-tagih-one-answer")))
        | explain_policy.to(
            ask_meter_reading, cond=when(NO, per=assumption("lebih-tagih-one-answer"))
        )
        | ask_meter_reading.to(to_unit, cond=when(ANY, per=clause("5B")))
        | ask_meter_reading.to(
            to_unit_reading_not_known,
            cond=when(NOT_KNOWN, per=assumption("lebih-tagih-reading-not-known")),
        )
    )
