"""The customer on a call: the details an APKT report needs, each checked as answers are.

A CSO gives them at any point of a call (:meth:`sopfsm.Call.details`): the customer's
IDPEL (12 digits) or meter number (11-12 digits), name, phone (an Indonesian number,
stored in E.164), address and a free note. Each is checked before anything is stored;
a refusal names the field in both languages (:class:`~sopfsm.errors.InvalidDetail`).

Which details a report needs depends on its outcome (:data:`REQUIRED_DETAILS`, the
assumption ``apkt-customer-details``): the customer's identity (IDPEL or meter number),
name and phone for every APKT report; the address too when the unit acts on site.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from typing import Final

from sopfsm.errors import InvalidDetail
from sopfsm.text import Text

IDPEL: Final = "idpel"
METER: Final = "meter"
NAME: Final = "name"
PHONE: Final = "phone"
ADDRESS: Final = "address"
NOTE: Final = "note"
FIELDS: Final = (IDPEL, METER, NAME, PHONE, ADDRESS, NOTE)
IDENTITY: Final = "identity"
"""A required detail met by either the IDPEL or the meter number."""

MAX_NAME: Final = 100
MAX_ADDRESS: Final = 300
MAX_NOTE: Final = 1000
PHONE_REGION: Final = "ID"

LABELS: Final[Mapping[str, Text]] = {
    IDPEL: Text(id="ID pelanggan (IDPEL)", en="customer ID (IDPEL)"),
    METER: Text(id="nomor meter", en="meter number"),
    IDENTITY: Text(id="IDPEL atau nomor meter", en="IDPEL or meter number"),
    NAME: Text(id="nama", en="name"),
    PHONE: Text(id="nomor telepon", en="phone number"),
    ADDRESS: Text(id="alamat", en="address"),
    NOTE: Text(id="catatan", en="note"),
}

_APKT_ON_SITE: Final = (IDENTITY, NAME, PHONE, ADDRESS)
_APKT_AT_CC: Final = (IDENTITY, NAME, PHONE)
REQUIRED_DETAILS: Final[Mapping[str, tuple[str, ...]]] = {
    "APKT_TO_UNIT": _APKT_ON_SITE,
    "APKT_ISSUE_CLOSED": _APKT_AT_CC,
    "PS_SCHEME_1": _APKT_ON_SITE,
    "PS_SCHEME_2": _APKT_ON_SITE,
}
"""The details each outcome's APKT report needs (the assumption ``apkt-customer-details``
in :mod:`sopfsm.assumptions` gives the reason); an outcome not named (the hand-off
``REGULAR_SOP``) creates no report and needs none."""

_SPACES = re.compile(r"[\s.\-]+")


def _digits(field: str, raw: object, sizes: tuple[int, ...]) -> str:
    counted = " atau ".join(map(str, sizes)), " or ".join(map(str, sizes))
    accepted = Text(id=f"{counted[0]} angka", en=f"{counted[1]} digits")
    if not isinstance(raw, str):
        # An int would lose leading zeros; an IDPEL or meter number is text.
        raise InvalidDetail(field, raw, Text(id="harus berupa teks", en="must be text"), accepted)
    text = _SPACES.sub("", raw)
    if not text.isascii() or not text.isdigit():
        raise InvalidDetail(field, raw, Text(id="bukan angka", en="not digits"), accepted)
    if len(text) not in sizes:
        reason = Text(id=f"{len(text)} angka", en=f"{len(text)} digits")
        raise InvalidDetail(field, raw, reason, accepted)
    return text


def _idpel(raw: object) -> str:
    return _digits(IDPEL, raw, (12,))


def _meter(raw: object) -> str:
    return _digits(METER, raw, (11, 12))


def _phone(raw: object) -> str:
    accepted = Text(
        id="nomor telepon Indonesia, mis. 0812 3456 7890 atau +62 21 1234 5678",
        en="an Indonesian phone number, e.g. 0812 3456 7890 or +62 21 1234 5678",
    )
    if not isinstance(raw, str):
        raise InvalidDetail(PHONE, raw, Text(id="harus berupa teks", en="must be text"), accepted)
    if len(raw) > 40:
        reason = Text(id="terlalu panjang", en="too long")
        raise InvalidDetail(PHONE, raw, reason, accepted)
    import phonenumbers  # only a call that is given a phone pays for the metadata

    try:
        number = phonenumbers.parse(raw, PHONE_REGION)
    except phonenumbers.NumberParseException:
        reason = Text(id="bukan nomor telepon", en="not a phone number")
        raise InvalidDetail(PHONE, raw, reason, accepted) from None
    if not phonenumbers.is_valid_number(number):
        reason = Text(id="nomor tidak sah", en="not a valid number")
        raise InvalidDetail(PHONE, raw, reason, accepted)
    if phonenumbers.region_code_for_number(number) != PHONE_REGION:
        reason = Text(id="bukan nomor Indonesia", en="not an Indonesian number")
        raise InvalidDetail(PHONE, raw, reason, accepted)
    return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))


def _bounded(field: str, limit: int, *, lines: bool) -> Callable[[object], str]:
    accepted = Text(
        id=f"teks, paling banyak {limit} karakter{'' if lines else ', satu baris'}",
        en=f"text of at most {limit} characters{'' if lines else ', on one line'}",
    )

    def check(raw: object) -> str:
        if not isinstance(raw, str):
            reason = Text(id="harus berupa teks", en="must be text")
            raise InvalidDetail(field, raw, reason, accepted)
        text = raw.strip()
        if len(text) > limit:
            reason = Text(id=f"{len(text)} karakter", en=f"{len(text)} characters")
            raise InvalidDetail(field, raw, reason, accepted)
        allowed = {"\n"} if lines else set()
        if any(unicodedata.category(c).startswith("C") and c not in allowed for c in text):
            # A control character (or a line break in a name) would break the APKT text.
            reason = Text(id="berisi karakter kendali", en="holds a control character")
            raise InvalidDetail(field, raw, reason, accepted)
        return text

    return check


CHECKS: Final[Mapping[str, Callable[[object], str]]] = {
    IDPEL: _idpel,
    METER: _meter,
    NAME: _bounded(NAME, MAX_NAME, lines=False),
    PHONE: _phone,
    ADDRESS: _bounded(ADDRESS, MAX_ADDRESS, lines=False),
    NOTE: _bounded(NOTE, MAX_NOTE, lines=True),
}


def check_details(given: Mapping[str, object]) -> dict[str, str | None]:
    """Each given detail checked and normalised; ``""`` clears a detail (None).

    Raises :class:`InvalidDetail` for the first refused one, or for a field that is not
    a detail; nothing is returned then, so nothing is stored.
    """
    checked: dict[str, str | None] = {}
    for field, raw in given.items():
        check = CHECKS.get(field)
        if check is None:
            accepted = Text(id=", ".join(FIELDS), en=", ".join(FIELDS))
            reason = Text(id="bukan data pelanggan", en="not a customer detail")
            raise InvalidDetail(str(field), field, reason, accepted)
        if isinstance(raw, str) and not raw.strip():
            checked[field] = None
        else:
            checked[field] = check(raw)
    return checked


def required_details(outcome: str | None) -> tuple[str, ...]:
    """What the report of ``outcome`` needs (:data:`IDENTITY` for IDPEL or meter)."""
    return REQUIRED_DETAILS.get(outcome or "", ())


def missing_details(outcome: str | None, customer: Mapping[str, str]) -> tuple[str, ...]:
    """The required details of ``outcome`` that ``customer`` does not hold yet."""
    missing = []
    for need in required_details(outcome):
        if need == IDENTITY:
            if not (customer.get(IDPEL) or customer.get(METER)):
                missing.append(need)
        elif not customer.get(need):
            missing.append(need)
    return tuple(missing)
