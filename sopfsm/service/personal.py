"""Personal data kept to those who need it (UU 27/2022, Pelindungan Data Pribadi).

Each kind of personal field has one masking function, keyed by the field's name
(:data:`MASKS`): a NIK shows its region and serial (``3171 **** **** 0001``), nothing more.
An answer is personal when its question asks for one of these kinds (every NIK question,
and any question or customer detail named ``idpel``, ``phone``, ``name`` or ``address``).

Who sees a full value (:func:`sees_personal`): ``qa`` and ``supervisor`` (and dev mode),
and the call's own agent while the call is open, and for the wrap-up after its outcome
(:data:`WRAP_UP`), when the APKT report is written. Everyone else, and every listing, gets
the masked value, wherever in a body it appears. Every full record read by ``qa`` or a
``supervisor`` is recorded in the store (:class:`~sopfsm.store.base.PersonalRead`).

:func:`purge` removes the personal data of calls that ended before a time, keeping what
QA needs: each personal answer is replaced by a sample of its own answer class (so the
call still replays, its path, outcome and QA verdict unchanged), and the store records
the redaction beside the answer.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from sopfsm.answers import AnswerKind, Nik, Value
from sopfsm.catalogue import all_sops
from sopfsm.service.auth import Identity
from sopfsm.service.roles import may
from sopfsm.store.base import CallStore, LoggedAnswer, PersonalRead, StoredCall
from sopfsm.views import sample_of


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


def mask_address(_value: str) -> str:
    """An address: nothing of it."""
    return "***"


def _keep_end(value: str, keep: int) -> str:
    shown = value[-keep:] if len(value) > keep * 2 else ""
    return "*" * max(4, len(value) - len(shown)) + shown


MASKS: dict[str, Callable[[str], str]] = {
    "nik": mask_nik,
    "idpel": mask_idpel,
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
def _kinds() -> dict[str, AnswerKind]:
    """Each question id's kind, across the catalogue (a front-door call's log holds the
    questions of the SOP it continued into)."""
    found: dict[str, AnswerKind] = {}
    for sop in all_sops():
        for question in sop.questions:
            found.setdefault(question.id, question.kind)
    return found


def personal_values(stored: StoredCall) -> dict[str, str]:
    """The full personal values of a call's log, each with its masked form."""
    kinds = _kinds()
    found: dict[str, str] = {}
    for answer in stored.log:
        if not isinstance(answer, LoggedAnswer):  # the customer's details, by field
            fields = answer.body.get("fields", {}) if answer.kind == "details" else {}
            for name, value in fields.items():
                if name in MASKS and isinstance(value, str) and value:
                    found[value] = MASKS[name](value)
            continue
        kind = kinds.get(answer.question)
        name = field_of(kind, answer.question) if kind is not None else None
        if name is None and answer.question in MASKS:
            name = answer.question
        if name is not None and isinstance(answer.value, str) and answer.value:
            found[answer.value] = MASKS[name](answer.value)
    return found


def mask_answer(question: str, value: object) -> object:
    """``value`` masked when ``question`` asks for personal data (any text, valid or not)."""
    kind = _kinds().get(question)
    name = field_of(kind, question) if kind is not None else None
    if name is None and question in MASKS:
        name = question
    if name is None or not isinstance(value, str):
        return value
    return MASKS[name](value)


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
            for shape in _shapes(full):
                body = body.replace(shape, values[full])
        return body
    return body


def _shapes(full: str) -> Iterator[str]:
    """A value as it may be written: as given, and a NIK in groups of four."""
    yield full
    if len(full) == 16 and full.isdigit():
        for separator in (" ", "-", "."):
            yield separator.join(full[n : n + 4] for n in range(0, 16, 4))


def shown(identity: Identity, stored: StoredCall, body: Any, *, listing: bool = False) -> Any:
    """``body`` (of ``stored``) as ``identity`` may see it: masked in a listing and to
    whoever may not see the call's personal data."""
    if not listing and sees_personal(identity, stored):
        return body
    return masked(body, personal_values(stored))


def record_read(store: CallStore, identity: Identity, stored: StoredCall, at: dt.datetime) -> None:
    """Record that ``identity`` read the full record of ``stored``, if its role is one whose
    reads are recorded (``qa``, ``supervisor``)."""
    if identity.role in ("qa", "supervisor"):
        store.record_read(PersonalRead(identity.agent, identity.role, stored.id, at))


# -- retention --------------------------------------------------------------------------


def redactions(stored: StoredCall) -> dict[int, Value]:
    """The personal answers of a call (by revision), each replaced by a sample of its
    own answer class: what purging keeps in their place."""
    kinds = _kinds()
    found: dict[int, Value] = {}
    for revision, answer in enumerate(stored.log, start=1):
        if not isinstance(answer, LoggedAnswer):
            continue  # a details entry is not purged yet (docs/service.md, Retention)
        kind = kinds.get(answer.question)
        if kind is None or field_of(kind, answer.question) is None:
            continue
        sample = _sample_like(kind, answer.value)
        if sample is not None:
            found[revision] = sample
    return found


def _sample_like(kind: AnswerKind, value: Value) -> Value | None:
    """A sample of the answer class of ``value``, or None when ``value`` is a sample
    already (``tidak ada`` is no one's personal data)."""
    classes = kind.classes()
    if any(type(s) is type(value) and s == value for c in classes for s in c.samples):
        return None
    # A value that is no class's sample is of the first class of its type: a NIK's
    # classes list a valid NIK first, then the answers that are not a NIK.
    label = next(
        (c.label for c in classes if any(type(s) is type(value) for s in c.samples)),
        classes[0].label,
    )
    return sample_of(kind, label)


def purge(store: CallStore, ended_before: dt.datetime, at: dt.datetime) -> int:
    """Remove the personal data of every call that ended before ``ended_before``; the
    number of calls changed."""
    changed = 0
    for stored in list(store.calls()):
        if stored.state.outcome is None or stored.updated >= ended_before:
            continue
        values = redactions(stored)
        if values:
            store.redact(stored, values, at)
            changed += 1
    return changed
