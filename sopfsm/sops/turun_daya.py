"""Clause 5A: Turun Daya (lowering the contracted power); never send the customer to the unit.

1. To non-subsidised power: sent to the unit via APKT.
2. To subsidised power: check the customer's NIK in the application.
   a) Not a subsidy recipient per DTKS: cannot be processed, APKT ISSUE CLOSED; if the
      customer asks about membership, explain DTKS, Dinas Sosial and cekbansos.
   b) A registered subsidy recipient: sent to the unit via APKT.
READING.md decides that a customer with no NIK at hand is told to ask again with it:
APKT ISSUE CLOSED.
"""

from __future__ import annotations

from sopfsm.declare import ANY, NO, YES, Sop, ask, do, note, outcome, say, when
from sopfsm.provenance import assumption, clause
from sopfsm.questions import (
    ASKS_ABOUT_ELIGIBILITY,
    NIK,
    NIK_ELIGIBLE,
    NOT_AT_HAND,
    TARGET_TARIFF,
)
from sopfsm.text import Text

NON_SUBSIDISED_TO_UNIT = do(
    clause("5A.1"),
    id="Kirim permohonan Turun Daya ke Unit PLN terkait via APKT.",
    en="Send the Turun Daya request to the unit via APKT.",
)
NON_SUBSIDISED_TOLD = say(
    assumption("told-sent-to-unit"),
    id="Permohonan Turun Daya Pelanggan diteruskan ke Unit PLN terkait via APKT; Pelanggan "
    "tidak perlu datang ke Unit.",
    en="The customer's Turun Daya request is passed on to the PLN unit concerned via APKT; "
    "there is no need to go to the unit.",
)
NIK_NEEDED = say(
    assumption("nik-asked"),
    id="Untuk Turun Daya ke Daya Subsidi, No NIK Pelanggan perlu dicek pada aplikasi.",
    en="Lowering to a subsidised power needs the customer's NIK checked in the application.",
)
CHECK_NIK = do(
    clause("5A.2"),
    id="Cek No NIK Pelanggan pada aplikasi.",
    en="Check the customer's NIK in the application.",
)
LOWER_SUBSIDISED_TOO = note(
    assumption("subsidised-to-lower-subsidised"),
    id="Pelanggan daya subsidi yang ingin turun ke daya subsidi lebih rendah juga dicek NIK-nya.",
    en="A customer already on subsidised power going lower is NIK-checked too.",
)
NOT_A_RECIPIENT = say(
    clause("5A.2a"),
    id="Sesuai No. NIK tersebut, Pelanggan tidak termasuk yang mendapatkan Subsidi dari "
    "Pemerintah berdasarkan Data Terpadu Kesejahteraan Sosial (DTKS), sehingga Turun Daya ke "
    "Daya Subsidi tidak dapat diproses.",
    en="By that NIK, the customer is not among those who receive a government subsidy per "
    "the Integrated Social Welfare Data (DTKS), so lowering to a subsidised power cannot be "
    "processed.",
)
DTKS_MEMBERSHIP = say(
    clause("5A.2a"),
    id="Syarat utama adalah terdaftar dalam Data Terpadu Kesejahteraan Sosial (DTKS) yang "
    "dikeluarkan oleh Kementerian Sosial. Untuk detail, Pelanggan dapat berkonsultasi dengan "
    "Dinas Sosial setempat yang mengusulkan kepesertaan DTKS. Pengecekan DTKS dapat "
    "dilakukan langsung via website: https://cekbansos.siks.kemsos.go.id/kemsos/pencarian",
    en="The main requirement is being registered in DTKS, issued by the Ministry of Social "
    "Affairs. For details, the customer can consult the local Dinas Sosial, which proposes "
    "DTKS membership. DTKS can be checked directly on the website: "
    "https://cekbansos.siks.kemsos.go.id/kemsos/pencarian",
)
CLOSED_AT_CC = do(
    clause("5A.2a"),
    id="Tutup laporan di CC PLN 123 (APKT ISSUE CLOSED).",
    en="Close the report at PLN 123 (APKT ISSUE CLOSED).",
)
NIK_NEEDED_AGAIN = say(
    assumption("nik-not-at-hand"),
    id="NIK diperlukan untuk pengecekan subsidi, sehingga permohonan Turun Daya ke Daya "
    "Subsidi dapat diajukan kembali dengan menyebutkan NIK.",
    en="The NIK is needed for the subsidy check, so the request to lower to a subsidised "
    "power can be made again with the NIK.",
)
CLOSED_NO_NIK = do(
    assumption("nik-not-at-hand"),
    id="Tutup laporan di CC PLN 123 (APKT ISSUE CLOSED).",
    en="Close the report at PLN 123 (APKT ISSUE CLOSED).",
)
RECIPIENT_TO_UNIT = do(
    clause("5A.2b"),
    id="Pelanggan terdaftar sebagai penerima subsidi: kirim permohonan Turun Daya ke Unit PLN "
    "terkait via APKT, dengan NIK-nya.",
    en="The customer is a registered subsidy recipient: send the Turun Daya request to the "
    "unit via APKT, with the NIK.",
)
RECIPIENT_TOLD = say(
    assumption("told-sent-to-unit"),
    id="Permohonan Turun Daya Pelanggan diteruskan ke Unit PLN terkait via APKT; Pelanggan "
    "tidak perlu datang ke Unit.",
    en="The customer's Turun Daya request is passed on to the PLN unit concerned via APKT; "
    "there is no need to go to the unit.",
)


class TurunDaya(Sop):
    """Clause 5A: Turun Daya."""

    sop_id = "turun-daya"
    clause_ref = "5A"
    title = Text(id="Turun Daya", en="Lowering the contracted power (Turun Daya)")
    scope = Text(
        id="Permohonan Turun Daya ke Daya Subsidi maupun Non Subsidi.",
        en="A request to lower the power to a subsidised or non-subsidised tariff.",
    )

    ask_target_tariff = ask(TARGET_TARIFF, per=clause("5A"), initial=True)
    ask_nik = ask(NIK, per=clause("5A.2"), say=[NIK_NEEDED, LOWER_SUBSIDISED_TOO])
    ask_nik_eligible = ask(NIK_ELIGIBLE, per=assumption("nik-check"), say=[CHECK_NIK])
    ask_about_eligibility = ask(ASKS_ABOUT_ELIGIBILITY, per=clause("5A.2a"), say=[NOT_A_RECIPIENT])

    non_subsidised_to_unit = outcome(
        "APKT_TO_UNIT",
        per=clause("5A.1"),
        say=[NON_SUBSIDISED_TO_UNIT, NON_SUBSIDISED_TOLD],
        carries=["target_tariff"],
    )
    recipient_to_unit = outcome(
        "APKT_TO_UNIT",
        per=clause("5A.2b"),
        say=[RECIPIENT_TO_UNIT, RECIPIENT_TOLD],
        carries=["nik"],
    )
    closed_with_dtks_info = outcome(
        "APKT_ISSUE_CLOSED", per=clause("5A.2a"), say=[DTKS_MEMBERSHIP, CLOSED_AT_CC]
    )
    closed_not_a_recipient = outcome("APKT_ISSUE_CLOSED", per=clause("5A.2a"), say=[CLOSED_AT_CC])
    closed_no_nik = outcome(
        "APKT_ISSUE_CLOSED",
        per=assumption("nik-not-at-hand"),
        say=[NIK_NEEDED_AGAIN, CLOSED_NO_NIK],
    )

    answer = (
        ask_target_tariff.to(
            non_subsidised_to_unit, cond=when("non_subsidized", per=clause("5A.1"))
        )
        | ask_target_tariff.to(ask_nik, cond=when("subsidized", per=clause("5A.2")))
        | ask_nik.to(ask_nik_eligible, cond=when(ANY, per=assumption("nik-check")))
        | ask_nik.to(closed_no_nik, cond=when(NOT_AT_HAND, per=assumption("nik-not-at-hand")))
        | ask_nik_eligible.to(recipient_to_unit, cond=when(YES, per=clause("5A.2b")))
        | ask_nik_eligible.to(ask_about_eligibility, cond=when(NO, per=clause("5A.2a")))
        | ask_about_eligibility.to(closed_with_dtks_info, cond=when(YES, per=clause("5A.2a")))
        | ask_about_eligibility.to(closed_not_a_recipient, cond=when(NO, per=clause("5A.2a")))
    )
