"""The questions of the catalogue, shared by the SOPs that ask them.

Their ids are a contract with call software and QA: never rename one, and never name an
answer after a keyword that python-statemachine swallows (``event``, ``machine``,
``model``, ``transition``, ``state``, ``source``, ``target``, ``event_data``).
"""

from __future__ import annotations

import re
from typing import Final

import attrs

from sopfsm.answers import AnswerClass, AnswerKind, Choice, MeterReading, Nik, Option, Value, yes_no
from sopfsm.errors import InvalidAnswer, Rejected
from sopfsm.text import Text

# The answer that the customer cannot give the value now (no NIK at hand). A branch on
# ANY never takes it: it is not a value, and a SOP that accepts it branches on it by name.
NOT_AT_HAND: Final = "not_at_hand"
_NOT_AT_HAND_WORDS = frozenset(
    {"notathand", "tidakada", "tidakpunya", "tidakbawa", "none", "nonik", "tanpanik"}
)


@attrs.frozen
class NikOrNotAtHand(Nik):
    """A NIK, or ``tidak ada`` when the customer has none at hand (READING.md, 5A.2)."""

    @property
    def accepted(self) -> Text:
        accepted = super().accepted
        return Text(
            id=f"{accepted.id}, atau 'tidak ada' bila Pelanggan tidak dapat menyebutkan NIK",
            en=f"{accepted.en}, or 'none' when the customer cannot give a NIK",
        )

    def coerce(self, raw: object) -> Value:
        if isinstance(raw, str) and re.sub(r"[\s_\-]+", "", raw.casefold()) in _NOT_AT_HAND_WORDS:
            return NOT_AT_HAND
        return super().coerce(raw)

    def classes(self) -> tuple[AnswerClass, ...]:
        return (*super().classes(), AnswerClass("<no NIK at hand>", (NOT_AT_HAND,)))

    def label(self, value: Value) -> Text:
        if value == NOT_AT_HAND:
            return Text(id="NIK tidak ada", en="no NIK at hand")
        return super().label(value)


@attrs.frozen
class Question:
    """A question the CSO asks (or call software answers): its id, prompt and answer kind."""

    id: str
    prompt: Text
    kind: AnswerKind = attrs.field(eq=False)

    @property
    def accepted(self) -> Text:
        """The accepted values, in words, in both languages."""
        return self.kind.accepted

    def coerce(self, raw: object) -> Value:
        """The canonical value of ``raw``, or :class:`InvalidAnswer` naming this question."""
        try:
            return self.kind.coerce(raw)
        except Rejected as rejected:
            raise InvalidAnswer(self.id, raw, rejected.reason, self.kind.accepted) from None


URGENT = Question(
    "urgent",
    Text(
        id="Apakah permohonan ini mendesak (tidak dapat ditunda)?",
        en="Is the request urgent (it cannot be postponed)?",
    ),
    yes_no(),
)
ACCESS_RESTRICTED = Question(
    "access_restricted",
    Text(
        id="Apakah ada pembatasan akses masuk ke lokasi/wilayah Pelanggan?",
        en="Is access to the customer's location or area restricted?",
    ),
    yes_no(),
)
REGION_SCHEME = Question(
    "region_scheme",
    Text(
        id="Wilayah Pelanggan memakai skema PS yang mana (1 atau 2)?",
        en="Which PS scheme does the customer's region use (1 or 2)?",
    ),
    Choice(
        (
            Option(1, Text(id="Skema 1", en="Scheme 1"), ("skema1", "scheme1")),
            Option(2, Text(id="Skema 2", en="Scheme 2"), ("skema2", "scheme2")),
        )
    ),
)
TARGET_TARIFF = Question(
    "target_tariff",
    Text(
        id="Pelanggan ingin turun daya ke daya Subsidi atau Non Subsidi?",
        en="Does the customer want to lower power to a subsidised or non-subsidised tariff?",
    ),
    Choice(
        (
            Option(
                "subsidized",
                Text(id="Subsidi", en="Subsidised"),
                ("subsidised", "bersubsidi"),
            ),
            Option(
                "non_subsidized",
                Text(id="Non Subsidi", en="Non-subsidised"),
                ("nonsubsidised", "tidaksubsidi", "nonsubsidi"),
            ),
        )
    ),
)
NIK = Question(
    "nik",
    Text(
        id="Berapa NIK (Nomor Induk Kependudukan) Pelanggan?",
        en="What is the customer's NIK (national identity number)?",
    ),
    NikOrNotAtHand(),
)
NIK_ELIGIBLE = Question(
    "nik_eligible",
    Text(
        id="Hasil cek NIK di aplikasi: apakah Pelanggan terdaftar penerima subsidi (DTKS)?",
        en="NIK check in the application: is the customer a registered subsidy recipient (DTKS)?",
    ),
    yes_no(),
)
ASKS_ABOUT_ELIGIBILITY = Question(
    "asks_about_eligibility",
    Text(
        id="Apakah Pelanggan merasa berhak dan menanyakan kepesertaan subsidi?",
        en="Does the customer feel entitled and ask about subsidy membership?",
    ),
    yes_no(),
)
ACCEPTS_EXPLANATION = Question(
    "accepts_explanation",
    Text(
        id="Apakah Pelanggan menerima penjelasan tersebut?",
        en="Does the customer accept the explanation?",
    ),
    yes_no(),
)
METER_READING = Question(
    "meter_reading",
    Text(
        id="Berapa stand APP (kWh) saat Pelanggan melapor?",
        en="What is the meter reading (stand APP, kWh) at the time of the report?",
    ),
    MeterReading(),
)


# The front door: the customer's matter, then the scope condition of the clause it names.
MATTER = Question(
    "matter",
    Text(
        id="Apa keperluan Pelanggan?",
        en="What is the customer's matter?",
    ),
    Choice(
        (
            Option(
                "niaga",
                Text(id="Permohonan Niaga belum terealisasi", en="Niaga request not realised"),
                ("permohonan niaga",),
            ),
            Option(
                "ps",
                Text(id="PS (penyambungan sementara)", en="PS (temporary connection)"),
                ("penyambungan sementara",),
            ),
            Option("turun_daya", Text(id="Turun Daya", en="Lowering the power (Turun Daya)")),
            Option("lebih_tagih", Text(id="Lebih Tagih", en="Over-billing (Lebih Tagih)")),
            Option(
                "gangguan_persil",
                Text(id="Gangguan 1 Persil", en="Outage at one premises"),
                ("gangguan",),
            ),
            Option(
                "unit_request",
                Text(
                    id="Permohonan lain yang dulu diarahkan ke Unit",
                    en="Another request once sent to the unit",
                ),
                ("lain", "other"),
            ),
        )
    ),
)
TMP_PASSED = Question(
    "tmp_passed",
    Text(
        id="Permohonan didaftarkan via web/mandiri atau CC PLN 123: apakah TMP penyambungannya "
        "sudah terlewati?",
        en="The request was registered via the web, self-service or PLN 123: has its "
        "connection TMP passed?",
    ),
    yes_no(),
)
PS_PURPOSE = Question(
    "ps_purpose",
    Text(id="Untuk keperluan apa PS itu?", en="What is the PS for?"),
    Choice(
        (
            Option(
                "welding",
                Text(id="Pengelasan rumah tinggal", en="Welding at a residence"),
                ("pengelasan", "las"),
            ),
            Option("bereavement", Text(id="Kedukaan", en="Bereavement"), ("duka",)),
            Option("other", Text(id="Keperluan lain", en="Another purpose"), ("lain", "lainnya")),
        )
    ),
)
OBJECTS_TO_PAYING = Question(
    "objects_to_paying",
    Text(
        id="Apakah Pelanggan keberatan membayar dan meminta koreksi rekening?",
        en="Does the customer object to paying and ask for a bill correction?",
    ),
    yes_no(),
)
NEEDS_OFFICER = Question(
    "needs_officer",
    Text(
        id="Apakah gangguan ini memerlukan penanganan petugas ke lokasi Pelanggan?",
        en="Does the outage need an officer on site?",
    ),
    yes_no(),
)
