"""Where each step comes from: a clause of the source document, or a named assumption.

The clause texts are the document's own words (Indonesian) with READING.md's English
reading; the assumptions are READING.md's decisions where the document is silent.
"""

from __future__ import annotations

import attrs

from sopfsm._text import Text

SOURCE_DOCUMENT = "SOP-CSO-PLN123-2020-04-10.txt"
SOURCE_TITLE = Text(
    id="Standar Operasional Prosedur CSO PLN 123 — Update Hasil VC Tgl 7 April 2020",
    en="PLN 123 CSO Standard Operating Procedure — update after the 7 April 2020 VC",
)
EFFECTIVE_DATE = "2020-04-10"

CLAUSES: dict[str, Text] = {
    "1": Text(
        id="Keluhan permohonan Niaga yang belum terealisasi melebihi TMP penyambungan.",
        en="Complaint about a Niaga request not realised past its connection TMP.",
    ),
    "1a": Text(
        id="Sampaikan dahulu kondisi saat ini kepada Pelanggan terkait Pandemi Covid-19 "
        "sesuai SOP.",
        en="First tell the customer the current COVID-19 situation, per SOP.",
    ),
    "1b": Text(
        id="Tanyakan apakah ini mendesak atau dapat ditunda permohonannya.",
        en="Ask whether the request is urgent or can be postponed.",
    ),
    "1c": Text(
        id="Tanyakan apakah ada pembatasan akses masuk ke lokasi Pelanggan.",
        en="Ask whether access to the customer's location is restricted.",
    ),
    "1d": Text(
        id="Sampaikan untuk proses permohonan dikarenakan kondisi Covid maka pelayanan "
        "melihat situasi.",
        en="Explain that, because of COVID-19, service depends on the situation.",
    ),
    "1e": Text(
        id='Jika kondisi mendesak, maka laporannya dikirim "ke Unit PLN terkait via APKT".',
        en="If urgent, the report is sent to the unit via APKT.",
    ),
    "1f": Text(
        id='Jika tidak mendesak, laporan Pelanggan dapat diclosed di CC "(APKT ISSUE CLOSED)".',
        en="If not urgent, the report is closed at the contact centre (APKT ISSUE CLOSED).",
    ),
    "2": Text(
        id="PS kegiatan Pengelasan untuk Rumah Tinggal: jika Pelanggan menyatakan kebutuhan "
        "mendesak, permohonan diproses sesuai SOP dengan skema 1 atau 2 sesuai wilayahnya. "
        'Sampaikan: "Agar benar2 dipastikan bahwa untuk menuju lokasi Bapak/Ibu tidak ada '
        'penutupan akses oleh pemerintah atau warga setempat".',
        en="PS for welding at a residence: if the customer states an urgent need, the request "
        "is processed per the PS SOP with scheme 1 or 2 by region. Tell the customer to make "
        "sure access to their location is not closed by the government or residents.",
    ),
    "3": Text(
        id="PS Kedukaan masuk dalam kategori Urgent: dapat langsung diproses sesuai SOP dengan "
        "skema 1 atau 2 sesuai wilayah.",
        en="PS for a bereavement is urgent: processed directly per the PS SOP with scheme 1 "
        "or 2 by region.",
    ),
    "4": Text(
        id="Seluruh permohonan yang sebelumnya mengarahkan Pelanggan ke Unit disampaikan ke Unit "
        "PLN terkait melalui APKT (tidak mengarahkan Pelanggan ke Unit).",
        en="Every request that used to send the customer to the unit is sent to the unit via "
        "APKT instead (the customer is not sent to the unit).",
    ),
    "5A": Text(
        id="Turun Daya ke Daya Subsidi maupun Non Subsidi: tidak diarahkan ke Unit.",
        en="Turun Daya (lowering power) to subsidised or non-subsidised power: never send the "
        "customer to the unit.",
    ),
    "5A.1": Text(
        id="Untuk Non Subsidi: permohonan Turun Daya disampaikan ke Unit PLN terkait via APKT.",
        en="To non-subsidised power: the request is sent to the unit via APKT.",
    ),
    "5A.2": Text(
        id="Untuk Subsidi: lakukan pengecekan No NIK Pelanggan pada aplikasi.",
        en="To subsidised power: check the customer's NIK in the application.",
    ),
    "5A.2a": Text(
        id="Apabila sesuai NIK tsb Pelanggan tidak termasuk penerima Subsidi berdasarkan DTKS, "
        "Turun Daya ke Daya Subsidi tidak dapat diproses (APKT ISSUE CLOSED). Jika Pelanggan "
        "menanyakan kepesertaan: syarat utama terdaftar dalam DTKS dari Kementerian Sosial; "
        "konsultasi dengan Dinas Sosial setempat; pengecekan via website cekbansos.",
        en="Not a subsidy recipient by that NIK per DTKS: the request cannot be processed "
        "(APKT ISSUE CLOSED). If the customer asks about membership: the main requirement is "
        "being in DTKS (Ministry of Social Affairs); the local Dinas Sosial proposes members; "
        "DTKS can be checked on the cekbansos website.",
    ),
    "5A.2b": Text(
        id="Apabila sesuai NIK tsb Pelanggan terdaftar sebagai penerima Subsidi, permohonan "
        "Turun Daya disampaikan ke Unit PLN terkait via APKT.",
        en="Registered as a subsidy recipient by that NIK: the request is sent to the unit "
        "via APKT.",
    ),
    "5B": Text(
        id="Lebih Tagih dan Pelanggan keberatan membayar: sampaikan tagihan dihitung rata-rata "
        "3 bulan sebelumnya dan akan disesuaikan jika kondisi normal. Jika menerima: APKT ISSUE "
        "CLOSED. Jika tetap keberatan: buatkan laporan APKT ke Unit, tanyakan stand APP saat "
        "Pelanggan melapor.",
        en="Over-billing, customer objects: explain the bill is the average of the previous 3 "
        "months and will be adjusted when conditions are normal. Accepts: APKT ISSUE CLOSED. "
        "Still objects: APKT report to the unit, asking for the meter reading (stand APP).",
    ),
    "5C": Text(
        id="Gangguan 1 Persil yang memerlukan petugas ke lokasi: tanyakan apakah ada pembatasan "
        "akses masuk; jika ada, sampaikan untuk koordinasi ke RT atau perangkat daerah setempat "
        "agar petugas PLN diijinkan masuk.",
        en="Single-premises outage needing an officer on site: ask whether access is "
        "restricted; if so, tell the customer to coordinate with the RT or local officials so "
        "that the PLN officer is let in.",
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
