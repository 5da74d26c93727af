"""Answer kinds: how a raw answer is coerced, what is accepted, and its finite classes.

Each kind turns what a CSO types (or call software sends) into one canonical value, or
raises :class:`Rejected` with the reason. The answer classes are what the audit reasons
over: every value of a class must take the same branch.
"""

from __future__ import annotations

import math
import re
from typing import Protocol

import attrs

from sopfsm.errors import NikError, Rejected
from sopfsm.nik import ACCEPTED as NIK_ACCEPTED
from sopfsm.nik import normalise_nik
from sopfsm.text import Text

Value = bool | int | str | float


@attrs.frozen
class AnswerClass:
    """A finite class of answers that must all take one branch, with sample values."""

    label: str
    samples: tuple[Value, ...]


class AnswerKind(Protocol):
    """What every kind of answer provides."""

    @property
    def accepted(self) -> Text: ...

    def coerce(self, raw: object) -> Value: ...

    def classes(self) -> tuple[AnswerClass, ...]: ...

    def label(self, value: Value) -> Text: ...


def _key(raw: str) -> str:
    """Case, spacing, hyphens and underscores are forgiven."""
    return re.sub(r"[\s_\-]+", "", raw.strip().casefold())


@attrs.frozen
class Option:
    """One value of a closed choice, its label, and the words that name it."""

    value: Value
    label: Text
    words: tuple[str, ...] = ()


@attrs.frozen
class Choice:
    """A closed choice: yes/no, a region scheme, a tariff."""

    options: tuple[Option, ...]
    _lookup: dict[str, Value] = attrs.field(init=False, eq=False, repr=False)
    _accepted: Text = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        lookup: dict[str, Value] = {}
        for option in self.options:
            names = (str(option.value), option.label.id, option.label.en, *option.words)
            for name in names:
                lookup[_key(name)] = option.value
        object.__setattr__(self, "_lookup", lookup)
        # Written once: every call body and every refusal shows it.
        accepted = Text(
            id=", ".join(_accepted_words(o, "id") for o in self.options),
            en=", ".join(_accepted_words(o, "en") for o in self.options),
        )
        object.__setattr__(self, "_accepted", accepted)

    @property
    def accepted(self) -> Text:
        return self._accepted

    def coerce(self, raw: object) -> Value:
        if isinstance(raw, bool | int):
            # Compared with their type: True == 1, but a yes is never the choice 1.
            for option in self.options:
                if type(option.value) is type(raw) and option.value == raw:
                    return option.value
            raise Rejected(Text(id="bukan pilihan yang ada", en="not one of the choices"))
        if isinstance(raw, str):
            found = self._lookup.get(_key(raw))
            if found is not None:
                return found
            if not raw.strip():
                raise Rejected(Text(id="jawaban kosong", en="the answer is empty"))
        raise Rejected(Text(id="bukan pilihan yang ada", en="not one of the choices"))

    def classes(self) -> tuple[AnswerClass, ...]:
        return tuple(AnswerClass(_class_label(o.value), (o.value,)) for o in self.options)

    def label(self, value: Value) -> Text:
        for option in self.options:
            if option.value == value and type(option.value) is type(value):
                return option.label
        return Text(id=str(value), en=str(value))


def _class_label(value: Value) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def _accepted_words(option: Option, lang: str) -> str:
    label = option.label.id if lang == "id" else option.label.en
    # Booleans are accepted but never typed; the words are what a CSO types.
    typed = () if isinstance(option.value, bool) else (str(option.value),)
    return f"{label} ({'/'.join(dict.fromkeys((*typed, *option.words)))})"


def yes_no() -> Choice:
    """A yes/no question; ``t`` is *tidak*, as CSOs type it."""
    return Choice(
        (
            Option(True, Text(id="Ya", en="Yes"), ("yes", "y", "ya", "iya", "true")),
            Option(False, Text(id="Tidak", en="No"), ("no", "n", "tidak", "tdk", "t", "false")),
        )
    )


@attrs.frozen
class Nik:
    """A 16-digit NIK, checked against the civil registry's rules."""

    @property
    def accepted(self) -> Text:
        return NIK_ACCEPTED

    def coerce(self, raw: object) -> Value:
        if not isinstance(raw, str):
            # An int would lose the leading zeros of a district; a NIK is text.
            raise Rejected(Text(id="NIK harus berupa teks", en="a NIK must be given as text"))
        try:
            return normalise_nik(raw)
        except NikError as error:
            raise Rejected(error.reason) from None

    def classes(self) -> tuple[AnswerClass, ...]:
        # A man born 1 Jan 1990 in Jakarta, and a woman born 29 Feb 2000 in Bali.
        return (AnswerClass("<valid NIK>", ("3171010101900001", "5171026902000002")),)

    def label(self, value: Value) -> Text:
        return Text(id="NIK sah", en="valid NIK")


MAX_METER_READING = 999_999_999.0  # no kWh meter counts past nine digits
# A first group with a leading zero is no thousands group: "0.500" is half a kWh.
_THOUSANDS = re.compile(r"[1-9][0-9]{0,2}(\.[0-9]{3})+")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")


@attrs.frozen
class MeterReading:
    """The stand APP in kWh: a non-negative number, written as Indonesians write it."""

    @property
    def accepted(self) -> Text:
        return Text(
            id="angka kWh tidak negatif, mis. 12345, 12.345 (ribuan) atau 12345,5",
            en="a non-negative number of kWh, e.g. 12345, 12.345 (thousands) or 12345,5",
        )

    def coerce(self, raw: object) -> Value:
        if isinstance(raw, bool):
            raise Rejected(Text(id="bukan angka", en="not a number"))
        if isinstance(raw, int) and abs(raw) > MAX_METER_READING:
            # float(10**400) overflows; the sign is all that matters to refuse it by name.
            number = 2 * MAX_METER_READING if raw > 0 else -1.0
        elif isinstance(raw, int | float):
            number = float(raw)
        elif isinstance(raw, str):
            number = _parse_reading(raw)
        else:
            raise Rejected(Text(id="bukan angka", en="not a number"))
        if math.isnan(number) or math.isinf(number):
            raise Rejected(Text(id="bukan angka yang terhingga", en="not a finite number"))
        if number < 0 or math.copysign(1.0, number) < 0:  # -0.0 too, as the text "-0" is
            raise Rejected(Text(id="stand tidak boleh negatif", en="a reading cannot be negative"))
        if number > MAX_METER_READING:
            raise Rejected(
                Text(
                    id=f"terlalu besar untuk stand kWh (maks. {MAX_METER_READING:,.0f})",
                    en=f"too large for a kWh reading (at most {MAX_METER_READING:,.0f})",
                )
            )
        return number

    def classes(self) -> tuple[AnswerClass, ...]:
        return (AnswerClass("<valid reading>", (0.0, 12345.5, MAX_METER_READING)),)

    def label(self, value: Value) -> Text:
        return Text(id="stand APP", en="meter reading")


def _parse_reading(raw: str) -> float:
    text = raw.strip()
    for unit in ("kWh", "kwh", "KWH"):
        text = text.removesuffix(unit).strip()
    if not text:
        raise Rejected(Text(id="jawaban kosong", en="the answer is empty"))
    if len(text) > 20:
        raise Rejected(Text(id="terlalu panjang untuk angka", en="too long for a number"))
    if text.startswith("-"):
        raise Rejected(Text(id="stand tidak boleh negatif", en="a reading cannot be negative"))
    not_a_number = Rejected(Text(id="bukan angka", en="not a number"))
    if "," in text:
        # Indonesian style: dots group thousands, one comma marks the decimals.
        whole, _, decimals = text.partition(",")
        if "." in whole:
            if not _THOUSANDS.fullmatch(whole):
                raise not_a_number
            whole = whole.replace(".", "")
        text = f"{whole}.{decimals}"
    elif _THOUSANDS.fullmatch(text):
        text = text.replace(".", "")
    if not _NUMBER.fullmatch(text):
        raise not_a_number
    return float(text)
