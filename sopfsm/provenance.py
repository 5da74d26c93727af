"""Where each step comes from: a clause of the source document, or a named assumption.

The clause texts are the document's own words (Indonesian) with an English translation;
the assumptions are READING.md's decisions where the document is silent.
"""

from __future__ import annotations

import attrs

from sopfsm.text import Text

SOURCE_DOCUMENT = "SOP-CSO-PLN123-2020-04-10.txt"
SOURCE_TITLE = Text(
    id="Standar Operasional Prosedur CSO PLN 123 — Update Hasil VC Tgl 7 April 2020",
    en="PLN 123 CSO Standard Operating Procedure — update after the 7 April 2020 VC",
)
EFFECTIVE_DATE = "2020-04-10"

# Each clause's Indonesian is the document's own words, whole (only line breaks and list
# markers are left out); tests/test_clause_texts.py checks them against source/. The
# English is a translation, READING.md's, and is always labelled as one.
CLAUSES: dict[str, Text] = {
    "1": Text(
        id="Untuk keluhan Pelanggan mengenai permohonan Niaga yang belum terealisasi "
        "(Pelanggan daftar melalui Web/pendaftaran secara mandiri maupun melalui CC PLN 123) "
        "dengan kondisi telah melebihi waktu TMP penyambungan, maka langkah-langkah yang "
        "dilakukan antara lain :",
        en="For a customer's complaint about a Niaga request not yet realised (the customer "
        "registered via the web/self-service or via PLN 123) where the connection TMP has "
        "passed, the steps to take include:",
    ),
    "1a": Text(
        id="Sampaikan dahulu kondisi saat ini kepada Pelanggan terkait Pademi Covid-19 sesuai SOP,",
        en="First tell the customer the current situation regarding the COVID-19 pandemic, "
        "per SOP,",
    ),
    "1b": Text(
        id="Tanyakan apakah ini mendesak atau dapat ditunda permohonannya",
        en="Ask whether this is urgent or whether the request can be postponed",
    ),
    "1c": Text(
        id="Tanyakan apakah ada pembatasan akses masuk ke lokasi Pelanggan.",
        en="Ask whether access to the customer's location is restricted.",
    ),
    "1d": Text(
        id="Kemudian sampaikan untuk proses permohonan dikarenakan kondisi Covid maka pelayanan "
        "melihat situasi dsb.",
        en="Then explain that, because of the COVID situation, the processing of the request "
        "and the service depend on the situation, etc.",
    ),
    "1e": Text(
        id='Jika kondisi mendesak, maka laporannya dikirim "ke Unit PLN terkait via APKT".',
        en='If it is urgent, the report is sent "to the PLN unit concerned via APKT".',
    ),
    "1f": Text(
        id="Jika Tidak mendesak, setelah menyampaikan informasi sesuai point C di atas, maka "
        'laporan Pelanggan dapat diclosed di CC "(APKT ISSUE CLOSED)".',
        en="If it is not urgent, after giving the information of point C above, the "
        'customer\'s report can be closed at the CC "(APKT ISSUE CLOSED)".',
    ),
    "2": Text(
        id="PS kegiatan Pengelasan untuk Rumah Tinggal: Jika ada pernyataan Pelanggan hal tsb "
        "untuk kebutuhan yang mendesak, maka dapat dilayani permohonannya sesuai SOP yang sudah "
        "disampaikan (keperluan apapun jika pernyataan Pelanggan memang dibutuhkan segera, maka "
        "permohonan dapat diproses sesuai SOP menggunakan skema 1 atau 2 sesuai wilayahnya). "
        'Sampaikan kepada Pelanggan: "Agar benar2 dipastikan bahwa untuk menuju lokasi '
        'Bapak/Ibu tidak ada penutupan akses oleh pemerintah atau warga setempat".',
        en="PS for welding at a residence: if the customer states that it is for an urgent "
        "need, the request can be served per the SOP already issued (for any purpose, if the "
        "customer states it is indeed needed right away, the request can be processed per the "
        'SOP using scheme 1 or 2 according to the region). Tell the customer: "Please make '
        "sure that access to your location is not closed by the government or by local "
        'residents".',
    ),
    "3": Text(
        id="PS Kedukaan masuk dalam kategori Urgent: Dapat langsung diproses sesuai SOP dengan "
        "skema 1 atau 2 sesuai wilayah (intinya jika Pelanggan menyatakan permohonan tsb "
        "Urgent, maka layanan mengacu pada permohonan yang bersifat Urgent).",
        en="PS for a bereavement falls in the Urgent category: it can be processed directly "
        "per the SOP with scheme 1 or 2 according to the region (in short, if the customer "
        "states the request is Urgent, the service follows that for an Urgent request).",
    ),
    "4": Text(
        id="Kami ingatkan kembali untuk seluruh permohonan yang sebelumnya mengarahkan "
        "Pelanggan ke Unit PLN terkait, terkait kondisi saat ini dapat disampaikan ke Unit PLN "
        "terkait melalui APKT (Tidak mengarahkan Pelanggan ke Unit).",
        en="We remind you again that every request that previously directed the customer to "
        "the PLN unit concerned can, given the current situation, be passed to the unit via "
        "APKT (not directing the customer to the unit).",
    ),
    "5A": Text(
        id="Jika terdapat Pelanggan yang menginginkan Turun Daya ke Daya Subsidi maupun Non "
        "Subsidi, agar tidak diarahkan ke Unit.",
        en="If a customer wants to lower their power (Turun Daya) to a subsidised or a "
        "non-subsidised power, they are not to be directed to the unit.",
    ),
    "5A.1": Text(
        id="Untuk Non Subsidi: Permohonan Turun Daya agar disampaikan ke Unit PLN terkait via "
        "APKT.",
        en="To non-subsidised power: the Turun Daya request is to be passed to the PLN unit "
        "concerned via APKT.",
    ),
    "5A.2": Text(
        id="Untuk Subsidi: Jika Pelanggan Non Subsidi ingin mengajukan Turun Daya ke Daya "
        "Subsidi, maka lakukan pengecekan No NIK Pelanggan pada aplikasi :",
        en="To subsidised power: if a non-subsidised customer wants to lower to a subsidised "
        "power, check the customer's NIK in the application:",
    ),
    "5A.2a": Text(
        id="Apabila sesuai NIK tsb Pelanggan tidak termasuk Pelanggan yang mendapatkan "
        "Subsidi, maka sampaikan kepada Pelanggan bahwa, sesuai No. NIK tsb Pelanggan tidak "
        "termasuk yang mendapatkan Subsidi dari Pemerintah berdasarkan Data Terpadu "
        "Kesejahteraan Sosial, sehingga Turun Daya ke Daya Subsidi tidak dapat diproses (APKT "
        "ISSUE CLOSED di CC PLN 123). Jika Pelanggan merasa berhak mendapatkan Subsidi dan "
        "menanyakan kepesertaan, maka sampaikan bahwa syarat utama adalah terdaftar dalam Data "
        "Terpadu Kesejahteraan Sosial (DTKS) yang dikeluarkan oleh Kementerian Sosial. Untuk "
        "detil informasi mengenai hal ini, dapat berkonsultasi dengan Dinas Sosial setempat "
        "yang mengusulkan kepesertaan dalam DTKS. Untuk pengecekan dalam data terpadu, saat "
        "ini bisa langsung via website: https://cekbansos.siks.kemsos.go.id/kemsos/pencarian",
        en="If by that NIK the customer is not among those who receive a subsidy, tell the "
        "customer that, by that NIK, they are not among those who receive a government "
        "subsidy per the Integrated Social Welfare Data, so lowering to a subsidised power "
        "cannot be processed (APKT ISSUE CLOSED at PLN 123). If the customer feels entitled to "
        "a subsidy and asks about membership, explain that the main requirement is being "
        "registered in the Integrated Social Welfare Data (DTKS) issued by the Ministry of "
        "Social Affairs. For details, they can consult the local Dinas Sosial, which proposes "
        "membership of DTKS. The integrated data can now be checked directly on the website: "
        "https://cekbansos.siks.kemsos.go.id/kemsos/pencarian",
    ),
    "5A.2b": Text(
        id="Apabila sesuai NIK tsb, Pelanggan terdaftar sebagai penerima Subsidi, maka "
        "permohonan Turun Dayanya disampaikan ke Unit PLN terkait via APKT.",
        en="If by that NIK the customer is registered as a subsidy recipient, the Turun Daya "
        "request is passed to the PLN unit concerned via APKT.",
    ),
    "5B": Text(
        id="Untuk keluhan Lebih Tagih dan Pelanggan keberatan untuk membayar (Pelanggan "
        "meminta koreksi rekening), maka : Sampaikan kebijakan pengenaan tagihan rekening "
        "dihitung rata2 3 bulan sebelumnya, dan akan dilakukan penyesuaian jika kondisi "
        "normal. Jika Pelanggan menerima, maka buat APKT ISSUE CLOSED. Jika tetap "
        "berkeberatan, maka buatkan laporan APKT ke Unit, tanyakan stand APP saat Pelanggan "
        "melapor.",
        en="For an over-billing (Lebih Tagih) complaint where the customer objects to paying "
        "(the customer asks for a bill correction): explain the policy that the bill is the "
        "average of the previous 3 months, and will be adjusted when conditions are normal. "
        "If the customer accepts, create APKT ISSUE CLOSED. If they still object, create an "
        "APKT report to the unit, and ask for the meter reading (stand APP) at the time of "
        "the report.",
    ),
    "5C": Text(
        id="Untuk Pengaduan Gangguan 1 (satu) Persil yang memerlukan penanganan petugas ke "
        "lokasi Pelanggan, terdapat penambahan pertanyaan terkait kondisi saat ini (Covid-19) "
        "yang berlaku seperti layanan pada permohonan niaga yaitu: Menanyakan apakah di "
        'wilayah / lokasi Pelanggan terdapat pembatasan akses masuk. Jika "Ada pembatasan '
        'akses masuk", maka sampaikan kepada Pelanggan untuk melakukan koordinasi ke RT atau '
        "perangkat daerah setempat, sehingga apabila petugas PLN datang dapat diijinkan akses "
        "ke lokasi Pelanggan.",
        en="For a complaint of an outage at 1 (one) premises (Gangguan 1 Persil) that needs "
        "an officer on site, there is an extra question on the current situation (COVID-19), "
        "as for Niaga requests: ask whether access to the customer's area/location is "
        'restricted. If "access is restricted", tell the customer to coordinate with the RT '
        "or local officials, so that when the PLN officer comes they are allowed access to "
        "the customer's location.",
    ),
}


@attrs.frozen
class AssumptionInfo:
    """A decision READING.md takes where the document is silent."""

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
}


@attrs.frozen
class Clause:
    """Provenance: a clause of the source document, by its own number (``"1e"``, ``"5A.2a"``)."""

    ref: str
    # A SOP file of another document declares its own clauses; the text rides along.
    text: Text | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def label(self) -> str:
        return self.ref


@attrs.frozen
class Assumption:
    """Provenance: a named decision of READING.md where the document is silent."""

    name: str
    # A SOP file of another document declares its own assumptions; the reason rides along.
    info: AssumptionInfo | None = attrs.field(default=None, eq=False, repr=False)

    @property
    def label(self) -> str:
        return f"A:{self.name}"


Provenance = Clause | Assumption


def clause(ref: str) -> Clause:
    """Cite a clause of the source document; unknown references are refused at once."""
    if ref not in CLAUSES:
        raise ValueError(f"unknown clause {ref!r}; clauses: {', '.join(CLAUSES)}")
    return Clause(ref)


def assumption(name: str) -> Assumption:
    """Cite a named assumption of READING.md; unknown names are refused at once."""
    if name not in ASSUMPTIONS:
        raise ValueError(f"unknown assumption {name!r}; assumptions: {', '.join(ASSUMPTIONS)}")
    return Assumption(name)


def is_known(provenance: Provenance) -> bool:
    """Whether ``provenance`` names a clause or assumption that exists: in the bundled
    document, or declared with its text by the SOP file that cites it."""
    if isinstance(provenance, Clause):
        return provenance.text is not None or provenance.ref in CLAUSES
    return provenance.info is not None or provenance.name in ASSUMPTIONS
