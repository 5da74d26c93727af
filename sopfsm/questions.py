"""The questions of the catalogue, shared by the SOPs that ask them.

Their ids are a contract with call software and QA: never rename one, and never name an
answer after a keyword that python-statemachine swallows (``event``, ``machine``,
``model``, ``transition``, ``state``, ``source``, ``target``, ``event_data``).
"""

from __future__ import annotations

import attrs

from sopfsm._text import Text
from sopfsm.answers import AnswerKind, Choice, MeterReading, Nik, Option, Rejected, Value, yes_no
from sopfsm.errors import InvalidAnswer


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
    Nik(),
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
