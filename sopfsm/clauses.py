"""The source document's own words: its title, date and each clause, with a translation.

Each clause's Indonesian is the document's text; the English is a translation, always
labelled as one. Steps cite these by number (``"1e"``, ``"5A.2a"``).
"""

from __future__ import annotations

from sopfsm.text import Text

SOURCE_DOCUMENT = "SOP-CSO-PLN123-2020-04-10.txt"
SOURCE_TITLE = Text(
    id="Standar Operasional Prosedur CSO PLN 123 — Update Hasil VC Tgl 7 April 2020",
    en="PLN 123 CSO Standard Operating Procedure — update after the 7 April 2020 VC",
)
EFFECTIVE_DATE = "2020-04-10"

# Each clause's Indonesian is the document's own words, whole (only line breaks and list
# markers are left out); tests/test_clauses.py checks them against source/. The
# English is a translation, the reading's (docs/reading.md#the-clauses), always labelled.
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
