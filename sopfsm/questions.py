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
# The answer that the customer cannot give the meter reading (READING.md, 5B): the report
# still goes to the unit, with the reading recorded as not known, never a guessed number.
NOT_KNOWN: Final = "not_known"
_NOT_KNOWN_WORDS: Final = {
    "id": ("tidak tahu", "tidak diketahui", "tdk tahu"),
    "en": ("unknown", "not known"),
}
NOT_KNOWN_WORDS: Final = (*_NOT_KNOWN_WORDS["id"], *_NOT_KNOWN_WORDS["en"])
# Answers that stand for no value: a branch on ANY never takes them.
NO_VALUE_ANSWERS: Final = (NOT_AT_HAND, NOT_KNOWN)


def _typed(raw: object) -> str | None:
    """``raw`` as the key a word is looked up by: case, spacing, hyphens and underscores
    are forgiven, as for every other answer."""
    return re.sub(r"[\s_\-]+", "", raw.casefold()) if isinstance(raw, str) else None


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
        if _typed(raw) in _NOT_AT_HAND_WORDS:
            return NOT_AT_HAND
        return super().coerce(raw)

    def classes(self) -> tuple[AnswerClass, ...]:
        return (*super().classes(), AnswerClass("<no NIK at hand>", (NOT_AT_HAND,)))

    def label(self, value: Value) -> Text:
        if value == NOT_AT_HAND:
            return Text(id="NIK tidak ada", en="no NIK at hand")
        return super().label(value)


@attrs.frozen
class MeterReadingOrNotKnown(MeterReading):
    """A stand APP, or ``tidak tahu`` when the customer cannot give it (READING.md, 5B)."""

    @property
    def accepted(self) -> Text:
        accepted = super().accepted
        said_id = " / ".join(f"'{w}'" for w in _NOT_KNOWN_WORDS["id"])
        said_en = " / ".join(f"'{w}'" for w in _NOT_KNOWN_WORDS["en"])
        return Text(
            id=f"{accepted.id}, atau {said_id} bila Pelanggan tidak dapat menyebutkan stand APP",
            en=f"{accepted.en}, or {said_en} when the customer cannot give the reading",
        )

    def coerce(self, raw: object) -> Value:
        if _typed(raw) in _NOT_KNOWN_TYPED:
            return NOT_KNOWN
        return super().coerce(raw)

    def classes(self) -> tuple[AnswerClass, ...]:
        return (*super().classes(), AnswerClass("<reading not known>", (NOT_KNOWN,)))

    def label(self, value: Value) -> Text:
        if value == NOT_KNOWN:
            return Text(id="stand APP tidak diketahui", en="meter reading not known")
        return super().label(value)


_NOT_KNOWN_TYPED: Final = frozenset(
    {_typed(word) for words in _NOT_KNOWN_WORDS.values() for word in words} | {_typed(NOT_KNOWN)}
)


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
    MeterReadingOrNotKnown(),
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
            # Clause 4's own words; "lain"/"other" alone would also name a matter outside
            # the update, so neither is a word for it (READING.md, round 3).
            Option(
                "unit_request",
                Text(
                    id="Permohonan lain yang sebelumnya mengarahkan Pelanggan ke Unit",
                    en="Another request that previously sent the customer to the unit",
                ),
                ("ke unit", "to the unit"),
            ),
            Option(
                "outside_update",
                Text(id="Di luar pembaruan ini", en="Outside this update"),
                ("di luar", "luar", "outside"),
            ),
        )
    ),
)
# Clause 1 covers requests registered via the web/self-service or PLN 123 only: the
# channel and the TMP are two questions, the channel first (READING.md, round 3).
REGISTERED_ONLINE = Question(
    "registered_online",
    Text(
        id="Apakah permohonan didaftarkan melalui Web/pendaftaran mandiri atau CC PLN 123?",
        en="Was the request registered via the web/self-service or PLN 123?",
    ),
    yes_no(),
)
TMP_PASSED = Question(
    "tmp_passed",
    Text(
        id="Apakah waktu TMP penyambungannya sudah terlewati?",
        en="Has the connection TMP passed?",
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
