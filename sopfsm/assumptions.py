"""The named assumptions: the decisions taken where the source document is silent.

Each is a reading, not a clause; a step that rests on one cites it by name so reviewers
can see and challenge it.
"""

from __future__ import annotations

import attrs

from sopfsm.text import Text


@attrs.frozen
class AssumptionInfo:
    """A decision taken where the document is silent (docs/reading.md#<name>)."""

    where: str
    silent_on: str
    decision: Text


ASSUMPTIONS: dict[str, AssumptionInfo] = {
    "niaga-access-advice": AssumptionInfo(
        "1",
        "what happens when access is restricted",
        Text(
            id="Saran sama dengan 5C (koordinasi dengan RT / perangkat daerah); jawaban dicatat "
            "di laporan; hasil tetap mengikuti kondisi mendesak (e, f).",
            en="Same advice as 5C (coordinate with RT / local officials); the answer is "
            "recorded on the report; the outcome still follows urgency (e, f).",
        ),
    ),
    "niaga-access-later": AssumptionInfo(
        "1",
        "the RT advice on the not-urgent path, where the report is closed",
        Text(
            id="Saran itu tentang akses untuk kunjungan nanti, dan menyebutkan bahwa tidak ada "
            "petugas yang sedang menuju lokasi.",
            en="The advice is about access for a later visit, and says no officer is on the way.",
        ),
    ),
    "niaga-order": AssumptionInfo(
        "1",
        "the order of c and the urgency branch",
        Text(
            id="b dan c ditanyakan di setiap jalur, lalu d, lalu e atau f.",
            en="b and c are asked on every path, then d, then e or f.",
        ),
    ),
    "welding-not-urgent": AssumptionInfo(
        "2",
        "the customer does not state an urgent need",
        Text(
            id="Sampaikan kondisi Covid-19 dan bahwa permohonan dapat diajukan lagi saat "
            "dibutuhkan: APKT ISSUE CLOSED.",
            en="Tell the customer the COVID-19 situation and that the request can be made "
            "again when needed: APKT ISSUE CLOSED.",
        ),
    ),
    "ps-scheme-outcome": AssumptionInfo(
        "2, 3",
        'what "processed per scheme 1 or 2" is as an outcome',
        Text(
            id="Permohonan PS diteruskan untuk diproses dengan skema wilayah; skema (1 atau 2) "
            "menjadi bagian dari hasil.",
            en="The PS request is sent on for processing under the region's scheme; the "
            "scheme (1 or 2) is part of the outcome.",
        ),
    ),
    "bereavement-access-advice": AssumptionInfo(
        "3",
        "the access advice of clause 2",
        Text(
            id="Diberikan juga untuk kedukaan (risikonya sama).",
            en="Given for bereavement too (the same risk applies).",
        ),
    ),
    "subsidised-to-lower-subsidised": AssumptionInfo(
        "5A",
        "a customer already on subsidised power asking for a lower subsidised power",
        Text(
            id="Diperlakukan sebagai 5A.2 (pengecekan NIK).",
            en="Treated as clause 5A.2 (NIK check).",
        ),
    ),
    "nik-check": AssumptionInfo(
        "5A.2",
        "how the NIK check is done",
        Text(
            id="CSO (atau perangkat lunak panggilan, lewat pemeriksa yang dapat dipasang) "
            "melaporkan hasil DTKS; NIK harus 16 digit yang sah sebelum dicek.",
            en="The CSO (or the call software, through a pluggable checker) reports the DTKS "
            "result; the NIK must be a well-formed 16-digit NIK before the check.",
        ),
    ),
    "lebih-tagih-one-answer": AssumptionInfo(
        "5B",
        "accepted or not after the explanation",
        Text(id="Satu jawaban ya/tidak.", en="One yes/no answer."),
    ),
    "persil-outcome": AssumptionInfo(
        "5C",
        "the outcome",
        Text(
            id="Laporan gangguan dikirim ke Unit via APKT di setiap jalur; jawaban akses "
            "dicatat di laporan.",
            en="The outage report is sent to the unit via APKT on every path; the access "
            "answer is recorded on it.",
        ),
    ),
    "front-door": AssumptionInfo(
        "all",
        "how a call reaches a clause",
        Text(
            id="CSO lebih dulu menyebutkan masalah Pelanggan: permohonan Niaga belum terealisasi "
            "(1), PS (2, 3), Turun Daya (5A), Lebih Tagih (5B), Gangguan 1 Persil (5C), "
            "permohonan lain yang sebelumnya mengarahkan Pelanggan ke Unit (4), atau masalah "
            "di luar pembaruan ini.",
            en="The CSO first names the customer's matter: a Niaga request not yet realised "
            "(1), a PS (2, 3), Turun Daya (5A), Lebih Tagih (5B), Gangguan 1 Persil (5C), "
            "another request that previously sent the customer to the unit (4), or a matter "
            "outside this update.",
        ),
    ),
    "scope-outside-update": AssumptionInfo(
        "front door",
        "a matter that is none of clauses 1–5C",
        Text(
            id="Pilihan tersendiri, di luar pembaruan ini: serahkan ke SOP reguler; klausul 4 "
            "tetap berlaku (Pelanggan tidak diarahkan ke Unit).",
            en="A choice of its own, outside this update: hand-off to the regular SOP; clause 4 "
            "still applies (the customer is not sent to the unit).",
        ),
    ),
    "scope-niaga-channel": AssumptionInfo(
        "1",
        "a Niaga request registered through another channel than web/mandiri or CC PLN 123",
        Text(
            id="Klausul 1 hanya mencakup pendaftaran via Web/mandiri atau CC PLN 123; saluran "
            "ditanyakan sendiri, sebelum TMP. Saluran lain: langkah klausul 1 tidak berlaku, "
            "serahkan ke SOP reguler; klausul 4 tetap berlaku.",
            en="Clause 1 covers registration via the web/self-service or PLN 123 only; the "
            "channel is its own question, asked before the TMP. Another channel: clause 1's "
            "steps do not apply, hand-off to the regular SOP; clause 4 still applies.",
        ),
    ),
    "scope-niaga-tmp": AssumptionInfo(
        "1",
        "a Niaga request whose TMP has not passed",
        Text(
            id="Langkah klausul 1 tidak berlaku: serahkan ke SOP reguler; klausul 4 tetap berlaku.",
            en="Clause 1's steps do not apply: hand-off to the regular SOP; clause 4 still "
            "applies.",
        ),
    ),
    "scope-lebih-tagih": AssumptionInfo(
        "5B",
        "a Lebih Tagih customer who does not object to paying or ask for a correction",
        Text(
            id="Langkah klausul 5B tidak berlaku: serahkan ke SOP reguler; klausul 4 tetap "
            "berlaku.",
            en="Clause 5B's steps do not apply: hand-off to the regular SOP; clause 4 still "
            "applies.",
        ),
    ),
    "scope-gangguan-persil": AssumptionInfo(
        "5C",
        "a Gangguan 1 Persil that needs no officer on site",
        Text(
            id="Langkah klausul 5C tidak berlaku: serahkan ke SOP reguler; klausul 4 tetap "
            "berlaku.",
            en="Clause 5C's steps do not apply: hand-off to the regular SOP; clause 4 still "
            "applies.",
        ),
    ),
    "ps-other-purpose": AssumptionInfo(
        "2",
        "a PS for a purpose other than welding or a bereavement",
        Text(
            id='Tanda kurung klausul 2 ("keperluan apapun") berlaku: mendesak → skema 1 atau 2 '
            "wilayahnya, dengan peringatan akses klausul 2; tidak mendesak → seperti pengelasan "
            "yang tidak mendesak.",
            en='Clause 2\'s parenthesis ("keperluan apapun") applies: urgent → scheme 1 or 2 '
            "of the region, with the access warning of clause 2; not urgent → as welding not "
            "urgent.",
        ),
    ),
    "bereavement-always-urgent": AssumptionInfo(
        "3",
        "a bereavement PS whose customer says it is not urgent",
        Text(
            id="Tetap urgent: klausul 3 menggolongkan kedukaan sebagai urgent, jadi urgensi "
            "tidak ditanyakan.",
            en="Still urgent: clause 3 classes bereavement as urgent, so urgency is not asked.",
        ),
    ),
    "unit-request": AssumptionInfo(
        "4",
        'what "another request" becomes',
        Text(
            id="Laporan dikirim ke Unit via APKT (APKT_TO_UNIT), dan Pelanggan diberi tahu "
            "bahwa ia tidak perlu datang ke Unit.",
            en="The report is sent to the unit via APKT (APKT_TO_UNIT), and the customer is "
            "told there is no need to go to the unit.",
        ),
    ),
    "told-sent-to-unit": AssumptionInfo(
        "1e, 5A.1, 5A.2b, 5B",
        "what the customer hears when the report is sent to the unit via APKT",
        Text(
            id="Dokumen hanya menyebut tindakan di APKT; CSO menyampaikan bahwa laporan atau "
            "permohonan itu diteruskan ke Unit via APKT, agar Pelanggan tahu tidak perlu ke "
            "Unit (klausul 4).",
            en="The document names only the action in APKT; the CSO says that the report or "
            "request is passed to the unit via APKT, so that the customer knows there is no "
            "need to go there (clause 4).",
        ),
    ),
    "told-closed-at-cc": AssumptionInfo(
        "1f",
        "what the customer hears when the report is closed at the contact centre",
        Text(
            id='Dokumen hanya menyebut tindakan internal ("laporan Pelanggan dapat diclosed di '
            'CC"); CSO menyampaikan bahwa laporan ini ditutup di CC PLN 123, bukan bahwa '
            "permohonannya dibatalkan.",
            en="The document names only an internal action (\"the customer's report can be "
            'closed at the CC"); the CSO says that this report is closed at PLN 123, not that '
            "the request is dropped.",
        ),
    ),
    "nik-asked": AssumptionInfo(
        "5A.2",
        "how the CSO gets the NIK to check",
        Text(
            id="Dokumen hanya menyebut pengecekan NIK di aplikasi; CSO menyampaikan bahwa NIK "
            "perlu dicek, lalu menanyakannya.",
            en="The document names only the NIK check in the application; the CSO says that "
            "the NIK needs checking, then asks for it.",
        ),
    ),
    "bereavement-plain-words": AssumptionInfo(
        "3",
        "what a bereaved customer is told",
        Text(
            id="Dokumen tidak memberi kalimat untuk Pelanggan; CSO menyampaikan bahwa "
            "permohonan itu urgent dan dapat langsung diproses. Skema 1 atau 2 adalah catatan "
            "untuk CSO, tidak dibacakan.",
            en="The document gives no line for the customer; the CSO says that the request is "
            "urgent and can be processed directly. Scheme 1 or 2 is a note for the CSO, not "
            "read out.",
        ),
    ),
    "lebih-tagih-reading-not-known": AssumptionInfo(
        "5B",
        "the customer cannot give the stand APP",
        Text(
            id='Laporan tetap dikirim ke Unit (APKT_TO_UNIT); stand APP dicatat "tidak '
            'diketahui", tidak pernah angka tebakan.',
            en="The report still goes to the unit (APKT_TO_UNIT); the reading is recorded as "
            "not known, never a guessed number.",
        ),
    ),
    "nik-not-at-hand": AssumptionInfo(
        "5A.2",
        "the customer has no NIK at hand",
        Text(
            id="NIK diperlukan untuk pengecekan: sampaikan bahwa permohonan dapat diajukan "
            "kembali dengan NIK: APKT_ISSUE_CLOSED.",
            en="The NIK is needed for the check: tell the customer that the request can be "
            "made again with the NIK: APKT_ISSUE_CLOSED.",
        ),
    ),
    "apkt-customer-details": AssumptionInfo(
        "all",
        "which customer details an APKT report needs",
        Text(
            id="Setiap laporan APKT (APKT_TO_UNIT, APKT_ISSUE_CLOSED, PS_SCHEME_1/2) memuat "
            "identitas Pelanggan (IDPEL atau nomor meter), nama dan nomor telepon: tanpa "
            "itu Unit tidak dapat menemukan atau menghubungi Pelanggan. Laporan yang ditindak "
            "di lokasi (ke Unit, dan PS yang dipasang di lokasi) memuat juga alamat. "
            "REGULAR_SOP adalah pengalihan, bukan laporan APKT, dan tidak memerlukan data.",
            en="Every APKT report (APKT_TO_UNIT, APKT_ISSUE_CLOSED, PS_SCHEME_1/2) carries the "
            "customer's identity (IDPEL or meter number), name and phone: without them the "
            "unit can neither find nor reach the customer. A report acted on at the premises "
            "(sent to the unit, and a PS installed on site) also carries the address. "
            "REGULAR_SOP is a hand-off, not an APKT report, and needs no details.",
        ),
    ),
}
