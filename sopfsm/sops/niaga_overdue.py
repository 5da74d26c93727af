"""Clause 1: a Niaga request not realised past its connection TMP.

a) tell the COVID-19 situation; b) ask whether it is urgent; c) ask whether access is
restricted; d) explain that service depends on the situation; e) urgent: report to the
unit via APKT; f) not urgent: APKT ISSUE CLOSED. READING.md decides that b and c are asked
on every path, and that restricted access gets the advice of 5C without changing (e, f).
"""

from __future__ import annotations

from sopfsm.declare import NO, YES, Sop, ask, do, note, outcome, say, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import ACCESS_RESTRICTED, URGENT
from sopfsm.text import Text

COVID_SITUATION = say(
    clause("1a"),
    id="Sampaikan dahulu kondisi saat ini terkait pandemi Covid-19 kepada Pelanggan, sesuai SOP.",
    en="First tell the customer the current COVID-19 situation, per SOP.",
)
COORDINATE_WITH_RT = say(
    assumption("niaga-access-advice"),
    id="Sampaikan agar Pelanggan berkoordinasi dengan RT atau perangkat daerah setempat, "
    "sehingga petugas PLN yang datang diizinkan masuk ke lokasi.",
    en="Ask the customer to coordinate with the RT or local officials so that the PLN officer "
    "will be let in.",
)
# Not urgent: the report is closed, so no officer is coming now; the advice is for later.
COORDINATE_WITH_RT_LATER = say(
    assumption("niaga-access-later"),
    id="Sampaikan agar Pelanggan berkoordinasi dengan RT atau perangkat daerah setempat, "
    "sehingga kelak, saat petugas PLN datang untuk menyambung, petugas diizinkan masuk ke "
    "lokasi. Sampaikan juga bahwa saat ini tidak ada petugas PLN yang sedang menuju lokasi.",
    en="Ask the customer to coordinate with the RT or local officials so that, later, when a "
    "PLN officer comes to make the connection, the officer will be let in. Tell them too that "
    "no PLN officer is on the way now.",
)
ASKED_ON_EVERY_PATH = note(
    assumption("niaga-order"),
    id="Pertanyaan c diajukan pada setiap jalur, satu kali; hasilnya tetap mengikuti jawaban "
    "mendesak (b).",
    en="Question c is put on every path, once; the outcome still follows the urgency answer (b).",
)
SERVICE_DEPENDS = say(
    clause("1d"),
    id="Sampaikan bahwa karena kondisi Covid-19, proses permohonan dan pelayanan melihat "
    "situasi di lapangan.",
    en="Explain that, because of COVID-19, processing and service depend on the situation.",
)
REPORT_TO_UNIT = do(
    clause("1e"),
    id='Kirim laporan "ke Unit PLN terkait via APKT".',
    en="Send the report to the unit via APKT.",
)
TOLD_SENT_TO_UNIT = say(
    clause("1e"),
    id="Sampaikan kepada Pelanggan bahwa laporannya dikirim ke Unit PLN terkait via APKT.",
    en="Tell the customer that the report is sent to the unit via APKT.",
)
REPORT_CLOSED = do(
    clause("1f"),
    id="Tutup laporan di CC PLN 123 (APKT ISSUE CLOSED).",
    en="Close the report at PLN 123 (APKT ISSUE CLOSED).",
)
TOLD_CLOSED = say(
    clause("1f"),
    id="Sampaikan kepada Pelanggan bahwa laporannya ditutup di CC PLN 123.",
    en="Tell the customer that the report is closed at PLN 123.",
)


class NiagaOverdue(Sop):
    """Clause 1: Niaga request past its TMP."""

    sop_id = "niaga-overdue"
    clause_ref = "1"
    title = Text(
        id="Permohonan Niaga belum terealisasi melebihi TMP",
        en="Niaga request not realised past its TMP",
    )
    scope = Text(
        id="Permohonan Niaga yang belum terealisasi (didaftarkan via web/mandiri atau CC PLN "
        "123) dan telah melebihi TMP penyambungan.",
        en="A Niaga request not yet realised (registered via the web, self-service or PLN "
        "123) whose connection TMP has passed.",
    )

    ask_urgent = ask(URGENT, per=clause("1b"), say=[COVID_SITUATION], initial=True)
    # The answer to b decides e or f after c, so c is asked from two steps that remember it.
    ask_access_urgent = ask(ACCESS_RESTRICTED, per=clause("1c"), say=[ASKED_ON_EVERY_PATH])
    ask_access_not_urgent = ask(ACCESS_RESTRICTED, per=clause("1c"), say=[ASKED_ON_EVERY_PATH])

    to_unit_access_restricted = outcome(
        "APKT_TO_UNIT",
        per=clause("1e"),
        say=[COORDINATE_WITH_RT, SERVICE_DEPENDS, REPORT_TO_UNIT, TOLD_SENT_TO_UNIT],
        carries=["urgent", "access_restricted"],
    )
    to_unit = outcome(
        "APKT_TO_UNIT",
        per=clause("1e"),
        say=[SERVICE_DEPENDS, REPORT_TO_UNIT, TOLD_SENT_TO_UNIT],
        carries=["urgent", "access_restricted"],
    )
    closed_access_restricted = outcome(
        "APKT_ISSUE_CLOSED",
        per=clause("1f"),
        say=[COORDINATE_WITH_RT_LATER, SERVICE_DEPENDS, REPORT_CLOSED, TOLD_CLOSED],
    )
    closed = outcome(
        "APKT_ISSUE_CLOSED", per=clause("1f"), say=[SERVICE_DEPENDS, REPORT_CLOSED, TOLD_CLOSED]
    )

    answer = (
        ask_urgent.to(ask_access_urgent, cond=when(YES, per=clause("1b")))
        | ask_urgent.to(ask_access_not_urgent, cond=when(NO, per=clause("1b")))
        | ask_access_urgent.to(
            to_unit_access_restricted, cond=when(YES, per=assumption("niaga-access-advice"))
        )
        | ask_access_urgent.to(to_unit, cond=when(NO, per=clause("1e")))
        | ask_access_not_urgent.to(
            closed_access_restricted, cond=when(YES, per=assumption("niaga-access-later"))
        )
        | ask_access_not_urgent.to(closed, cond=when(NO, per=clause("1f")))
    )
