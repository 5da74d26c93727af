"""Personal data kept no longer than needed: purging the calls that ended long enough ago.

:func:`purge` removes the personal data of every call that ended (an outcome, or
abandoned) before a time, wherever it sits in the call's record, and keeps what QA needs:

- each personal answer (a NIK, and any question named for a personal field) becomes a
  sample of its own answer class, so the call still replays to the same path, outcome and
  QA verdict; a correction of one, the value it replaced and any retracted one likewise;
- each of the customer's details (IDPEL, meter, name, phone, address, note) and a wrap-up
  note becomes a substitute that is a valid value of its field, numbered so that two
  different values stay two (:data:`SUBSTITUTES`): ``[dihapus 1]``, ``000000000001``,
  ``+622100000001``; so does a correction's reason, free text that may name anything;
- each revision of the call's APKT report that is delivered or dead has its document
  purged the same way, and is never sent again.

The call's id, SOP and version, agent, times, steps, path, outcome, clause, corrections
and wrap-up code stay as they were. A call whose report still has a revision waiting to
be sent is left until that revision is delivered or dead: the document must reach APKT
whole. The store records each purge and when, beside what it replaced.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final

import attrs

from sopfsm.answers import AnswerKind, Value
from sopfsm.service.personal import MASKS, field_of, question_kinds, written_forms
from sopfsm.store.base import CallStore, Delivery, LoggedAnswer, StoredCall
from sopfsm.views import sample_of

_TEXT: Final = re.compile(r"^\[dihapus \d+\]$")
SUBSTITUTES: Final[Mapping[str, tuple[Callable[[int], str], re.Pattern[str]]]] = {
    "idpel": (lambda n: f"{n:012d}", re.compile(r"^0{8}\d{4}$")),
    "meter": (lambda n: f"{n:011d}", re.compile(r"^0{7}\d{4}$")),
    "phone": (lambda n: f"+62210000{n:04d}", re.compile(r"^\+62210000\d{4}$")),
    "name": (lambda n: f"[dihapus {n}]", _TEXT),
    "address": (lambda n: f"[dihapus {n}]", _TEXT),
    "note": (lambda n: f"[dihapus {n}]", _TEXT),
}
"""For each personal detail, its n-th substitute (a valid value of the field, which no
customer has) and how to know one; a wrap-up note is a ``note``."""


@attrs.frozen
class Purge:
    """What purging one call replaces: answers' values by revision, other record entries'
    bodies by revision, and report documents by delivery id."""

    answers: Mapping[int, Value]
    entries: Mapping[int, Mapping[str, Any]]
    reports: Mapping[int, Mapping[str, Any]]

    def __bool__(self) -> bool:
        return bool(self.answers or self.entries or self.reports)


class _Substitutes:
    """The substitutes of one call's personal values, the same for the same value."""

    def __init__(self) -> None:
        self.kinds = question_kinds()
        self.values: dict[str, str] = {}  # a full value, as written, and its substitute
        self._by_field: dict[str, dict[str, str]] = {}

    def answer(self, question: str, value: Any) -> Any:
        kind = self.kinds.get(question)
        if kind is None or field_of(kind, question) is None:
            if question in SUBSTITUTES and isinstance(value, str):
                return self.detail(question, value)
            return value
        sample = _sample_like(kind, value)
        if sample is None:
            return value
        if isinstance(value, str):
            self.values[value] = str(sample)
        return sample

    def detail(self, name: str, value: str) -> str:
        make, known = SUBSTITUTES[name]
        given = self._by_field.setdefault(name, {})
        if not value or known.match(value):
            given.setdefault(value, value)
            return value
        if value not in given:
            taken = set(given.values())
            n = 1
            while make(n) in taken:
                n += 1
            given[value] = make(n)
            self.values[value] = given[value]
        return given[value]

    def text(self, value: str) -> str:
        """Free text with every personal value of the call in it replaced."""
        for full in sorted(self.values, key=len, reverse=True):
            for form in written_forms(full):
                value = value.replace(form, self.values[full])
        return value

    def document(self, body: Any, key: str | None = None) -> Any:
        """A report document with every personal value replaced, by its field's name
        and wherever it is written."""
        if isinstance(body, Mapping):
            return {k: self.document(v, k) for k, v in body.items()}
        if isinstance(body, list):
            return [self.document(item) for item in body]
        return self._string(body, key) if isinstance(body, str) else body

    def _string(self, value: str, key: str | None) -> str:
        if value in self.values:
            return self.values[value]
        if key is not None and key in SUBSTITUTES:
            return self.detail(key, value)
        if key is not None and key in self.kinds:
            return str(self.answer(key, value))
        if key in MASKS and value:
            return "[dihapus]"
        return self.text(value)


def ended(stored: StoredCall) -> bool:
    """Whether a call is over: it reached its outcome, or was abandoned or closed."""
    return stored.state.outcome is not None or any(
        not isinstance(entry, LoggedAnswer) and entry.kind in ("abandon", "close")
        for entry in stored.log
    )


def plan(stored: StoredCall, reports: tuple[Delivery, ...] = ()) -> Purge:
    """What purging ``stored`` (and its settled report revisions ``reports``) replaces."""
    subs = _Substitutes()
    answers: dict[int, Value] = {}
    entries: dict[int, Mapping[str, Any]] = {}
    for revision, entry in enumerate(stored.log, start=1):
        if isinstance(entry, LoggedAnswer):
            value = subs.answer(entry.question, entry.value)
            if value != entry.value or type(value) is not type(entry.value):
                answers[revision] = value
    for revision, entry in enumerate(stored.log, start=1):
        if isinstance(entry, LoggedAnswer):
            continue
        body = _entry_body(subs, entry.kind, entry.body)
        if body != entry.body:
            entries[revision] = body
    documents: dict[int, Mapping[str, Any]] = {}
    for report in reports:
        if report.state == "pending" or report.purged_at is not None:
            continue
        document = subs.document(report.body)
        if document != report.body:
            documents[report.id] = document
    return Purge(answers, entries, documents)


def _entry_body(subs: _Substitutes, kind: str, body: Mapping[str, Any]) -> dict[str, Any]:
    purged = dict(body)
    if kind == "details":
        fields = body.get("fields", {})
        purged["fields"] = {
            name: subs.detail(name, value)
            if name in SUBSTITUTES and isinstance(value, str)
            else value
            for name, value in fields.items()
        }
    elif kind == "correction":
        question = body.get("question")
        if isinstance(question, str):
            purged["value"] = subs.answer(question, body.get("value"))
            purged["replaces"] = subs.answer(question, body.get("replaces"))
        purged["retracted"] = [
            {**item, "value": subs.answer(item["question"], item.get("value"))}
            if isinstance(item, Mapping) and isinstance(item.get("question"), str)
            else item
            for item in body.get("retracted", ())
        ]
        if isinstance(body.get("reason"), str):  # free text: whatever the CSO wrote
            purged["reason"] = subs.detail("note", body["reason"])
    elif isinstance(body.get("note"), str):  # a wrap-up's note: free text
        purged["note"] = subs.detail("note", body["note"])
    return purged


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


def _settled_and_waiting(store: CallStore) -> tuple[dict[str, list[Delivery]], set[str]]:
    """Each call's report revisions not yet purged that are delivered or dead, and the
    calls with a revision still waiting to be sent."""
    settled: dict[str, list[Delivery]] = {}
    waiting: set[str] = set()
    for delivery in _every_delivery(store):
        if delivery.state == "pending":
            waiting.add(delivery.call_id)
        elif delivery.purged_at is None:
            settled.setdefault(delivery.call_id, []).append(delivery)
    return settled, waiting


def _every_delivery(store: CallStore, batch: int = 500) -> Iterator[Delivery]:
    before: int | None = None
    while True:
        found = store.deliveries(before=before, limit=batch)
        yield from found
        if len(found) < batch:
            return
        before = found[-1].id


def purge(store: CallStore, ended_before: dt.datetime, at: dt.datetime) -> int:
    """Remove the personal data of every call that ended before ``ended_before``, and of
    its settled report revisions; the number of calls changed."""
    settled, waiting = _settled_and_waiting(store)
    changed = 0
    for stored in list(store.calls()):
        if not ended(stored) or stored.updated >= ended_before or stored.id in waiting:
            continue
        found = plan(stored, tuple(settled.get(stored.id, ())))
        if found:
            store.redact(stored, found.answers, at, entries=found.entries, reports=found.reports)
            changed += 1
    return changed
