"""Personal data kept to those who need it (UU 27/2022, Pelindungan Data Pribadi).

Each kind of personal field has one masking function, keyed by the field's name
(:data:`MASKS`): a NIK shows its region and serial (``3171 **** **** 0001``), nothing more.
An answer is personal when its question asks for one of these kinds (every NIK question,
and any question or customer detail named ``idpel``, ``meter``, ``phone``, ``name`` or
``address``).

Who sees a full value (:func:`sees_personal`): ``qa`` and ``supervisor`` (and dev mode),
and the call's own agent while the call is open, and for the wrap-up after its outcome
(:data:`WRAP_UP`), when the APKT report is written. Everyone else, and every listing, gets
the masked value, wherever in a body it appears. Every full record read by ``qa`` or a
``supervisor`` is recorded in the store (:class:`~sopfsm.store.base.PersonalRead`).

Purging personal data after its time is :mod:`sopfsm.service.retention`'s.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sopfsm.answers import AnswerKind, Nik
from sopfsm.catalogue import all_sops
from sopfsm.service.auth import Identity
from sopfsm.service.roles import may
from sopfsm.store.base import CallStore, LoggedAnswer, PersonalRead, StoredCall


def mask_nik(value: str) -> str:
    """``3171 **** **** 0001``: the province and regency, and the serial number."""
    digits = re.sub(r"\D", "", value)
    if len(digits) != 16:
        return _keep_end(value, 2)
    return f"{digits[:4]} **** **** {digits[-4:]}"


def mask_idpel(value: str) -> str:
    """A customer id (IDPEL): its last four digits."""
    return _keep_end(value, 4)


def mask_phone(value: str) -> str:
    """A telephone number: its last two digits."""
    return _keep_end(value, 2)


def mask_name(value: str) -> str:
    """A name: the first letter of each word (``B*** S***``)."""
    return " ".join(f"{word[0]}***" for word in value.split()) or "***"


def mask_meter(value: str) -> str:
    """A meter number: its last four digits."""
    return _keep_end(value, 4)


def mask_address(_value: str) -> str:
    """An address: nothing of it."""
    return "***"


def _keep_end(value: str, keep: int) -> str:
    shown = value[-keep:] if len(value) > keep * 2 else ""
    return "*" * max(4, len(value) - len(shown)) + shown


MASKS: dict[str, Callable[[str], str]] = {
    "nik": mask_nik,
    "idpel": mask_idpel,
    "meter": mask_meter,
    "phone": mask_phone,
    "name": mask_name,
    "address": mask_address,
}
"""One masking function per kind of personal field, by the field's name."""


def field_of(kind: AnswerKind, question: str) -> str | None:
    """The kind of personal field a question asks for, or None."""
    if isinstance(kind, Nik):
        return "nik"
    return question if question in MASKS else None


@functools.cache
def question_kinds() -> dict[str, AnswerKind]:
    """Each question id's kind, across the catalogue (a front-door call's log holds the
    questions of the SOP it continued into)."""
    found: dict[str, AnswerKind] = {}
    for sop in all_sops():
        for question in sop.questions:
            found.setdefault(question.id, question.kind)
    return found


def personal_values(stored: StoredCall) -> dict[str, str]:
    """The full personal values of a call's log, each with its masked form: personal
    answers, the values a correction of one gives, replaces or retracts, and the
    customer's details."""
    found: dict[str, str] = {}

    def add(question: str, value: object) -> None:
        shown = mask_answer(question, value)
        if isinstance(value, str) and value and shown != value:
            found[value] = str(shown)

    for entry in stored.log:
        if isinstance(entry, LoggedAnswer):
            add(entry.question, entry.value)
        elif entry.kind == "details":  # the customer's details, by field
            for name, value in entry.body.get("fields", {}).items():
                if name in MASKS and isinstance(value, str) and value:
                    found[value] = MASKS[name](value)
        elif entry.kind == "correction":
            question = entry.body.get("question")
            if isinstance(question, str):
                add(question, entry.body.get("value"))
                add(question, entry.body.get("replaces"))
            for retracted in entry.body.get("retracted", ()):
                if isinstance(retracted, Mapping) and isinstance(retracted.get("question"), str):
                    add(retracted["question"], retracted.get("value"))
    return found


def mask_answer(question: str, value: object) -> object:
    """``value`` masked when ``question`` asks for personal data (any text, valid or not)."""
    kind = question_kinds().get(question)
    name = field_of(kind, question) if kind is not None else None
    if name is None and question in MASKS:
        name = question
    if name is None or not isinstance(value, str):
        return value
    return MASKS[name](value)


_DIGIT_RUN = re.compile(r"(?<![\d])\+?\d(?:[\s.\-]?\d){9,}(?![\d])")


def mask_text(text: str) -> str:
    """Free text with every run of ten or more digits (a NIK, IDPEL, meter or phone
    number, however grouped) masked: a NIK as :func:`mask_nik`, any other to its last four."""

    def hide(found: re.Match[str]) -> str:
        digits = re.sub(r"\D", "", found.group())
        return mask_nik(digits) if len(digits) == 16 else _keep_end(digits, 4)

    return _DIGIT_RUN.sub(hide, text)


WRAP_UP = dt.timedelta(minutes=30)
"""How long after its outcome a call is still open to its own agent: the APKT report the
CSO pastes at the outcome must carry the customer's NIK (5A.2b)."""


def sees_personal(identity: Identity, stored: StoredCall, now: dt.datetime | None = None) -> bool:
    """Whether ``identity`` may see the call's personal data in full."""
    if may(identity, "read_personal"):
        return True
    own = stored.agent == identity.agent and may(identity, "read_own")
    if not own:
        return False
    if stored.state.outcome is None:
        return True
    return (now or dt.datetime.now(dt.UTC)) - stored.updated < WRAP_UP


def masked(body: Any, values: Mapping[str, str]) -> Any:
    """``body`` with every personal value masked: every field named for a kind of personal
    data, and every occurrence of one of the call's full ``values`` in any text."""
    if isinstance(body, dict):
        return {
            key: MASKS[key](item)
            if key in MASKS and isinstance(item, str)
            else masked(item, values)
            for key, item in body.items()
        }
    if isinstance(body, list):
        return [masked(item, values) for item in body]
    if isinstance(body, str):
        for full in sorted(values, key=len, reverse=True):
            for shape in written_forms(full):
                body = body.replace(shape, values[full])
        return body
    return body


def written_forms(full: str) -> Iterator[str]:
    """A value as it may be written: as given, and a NIK in groups of four."""
    yield full
    if len(full) == 16 and full.isdigit():
        for separator in (" ", "-", "."):
            yield separator.join(full[n : n + 4] for n in range(0, 16, 4))


def masked_document(document: Mapping[str, Any]) -> Any:
    """An APKT report document with its personal data masked: the customer's details, the
    NIK the outcome carries, and each personal answer, wherever its value is written."""
    values: dict[str, str] = {}
    for item in document.get("answers", ()):
        if isinstance(item, Mapping) and isinstance(item.get("question"), str):
            shown = mask_answer(item["question"], item.get("value"))
            if isinstance(item.get("value"), str) and shown != item["value"]:
                values[item["value"]] = str(shown)
    return masked(dict(document), values)


def shown(identity: Identity, stored: StoredCall, body: Any, *, listing: bool = False) -> Any:
    """``body`` (of ``stored``) as ``identity`` may see it: masked in a listing and to
    whoever may not see the call's personal data."""
    if not listing and sees_personal(identity, stored):
        return body
    return masked(body, personal_values(stored))


RECORDED_ROLES = ("qa", "supervisor")
"""The roles whose reads of a call's full record are recorded: those who read calls not
their own (an agent reading the call it is on is not a read to account for)."""


def reads_recorded(identity: Identity, stored: StoredCall) -> bool:
    """Whether reading ``stored`` in full is a read to record (:func:`record_read`)."""
    return identity.role in RECORDED_ROLES and sees_personal(identity, stored)


def record_read(store: CallStore, identity: Identity, stored: StoredCall, at: dt.datetime) -> None:
    """Record that ``identity`` read the full record of ``stored``, if its role is one whose
    reads are recorded (``qa``, ``supervisor``)."""
    if identity.role in RECORDED_ROLES:
        store.record_read(PersonalRead(identity.agent, identity.role, stored.id, at))
