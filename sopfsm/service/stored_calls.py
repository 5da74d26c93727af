"""Calls kept in a store: start, answer, correct, wrap up, replay, and the API's bodies.

A stored call is its record: answers, and the corrections, details changes and wrap-up
after them, each an entry of the log. Loading it replays the log through
:func:`sopfsm.restore` (a log of answers alone, as every log kept before corrections, as
a version 1 save; any other as a version 2 save of the whole record), which also checks
that the log reaches the step, path and outcome stored beside it. A change checks the
revision, applies itself to the replayed call (so every refusal is the core's, and
changes nothing), then asks the store to append the entries it wrote only if the call is
still at that revision.
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

from sopfsm.answers import Value
from sopfsm.call import (
    BY_CSO,
    FORMAT,
    FORMAT_VERSION,
    RECORD_FORMAT_VERSION,
    AnswerRecord,
    Call,
    CorrectionRecord,
    DetailsRecord,
    Entry,
    WrapUpRecord,
    entry_dict,
    start_answered,
    utc_now,
)
from sopfsm.catalogue import get_sop
from sopfsm.declare import OUTCOME_CODES, REGULAR_SOP
from sopfsm.errors import SopfsmError, StaleRevision, UnreachedAnswers
from sopfsm.model import SopSpec
from sopfsm.saved import restore
from sopfsm.store.base import CallState, CallStore, Logged, LoggedAnswer, LoggedEntry, StoredCall
from sopfsm.text import Lang
from sopfsm.views import call_dict, select, sop_summary, sop_view, view_json

CALL_OUTCOMES = (*OUTCOME_CODES, REGULAR_SOP)
"""How a call can end: an APKT outcome, or the front door's hand-off to the regular SOP."""


def replay(stored: StoredCall) -> Call:
    """The live call a stored one replays to; a log that does not replay is refused."""
    answers = [a for a in stored.log if isinstance(a, LoggedAnswer)]
    if len(answers) != len(stored.log):
        return _replay_record(stored)
    state = stored.state
    saved = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "sop": stored.sop,
        "version": stored.version,
        "step": state.step,
        "done": state.outcome is not None,
        "path": list(state.path),
        "answers": [
            {"question": a.question, "value": a.value, "at": a.at.isoformat(), "by": a.by}
            for a in answers
        ],
        "outcome": None
        if state.outcome is None
        else {
            "code": state.outcome,
            "step": state.step,
            "data": {a.question: a.value for a in answers},
        },
    }
    return restore(saved)


def _replay_record(stored: StoredCall) -> Call:
    """A log with corrections, details or a wrap-up, restored as a version 2 save.

    A version 2 save also claims the effective answers, status and customer; the log
    does not keep them (they follow from it), so a first replay of the entries gives
    them, and :func:`restore` then checks the log as it checks any save: entries in time
    order, each written back as logged, reaching the stored step, path and outcome.
    """
    state = stored.state
    record = [_saved_entry(item) for item in stored.log]
    claims: dict[str, Any] = {"answers": [], "status": None, "closed": None, "customer": {}}
    try:
        first = Call(get_sop(stored.sop))
        for entry in map(_entry, stored.log):
            first.replay(entry)
        claims = {
            "answers": [
                {"question": r.question, "value": r.value, "at": r.at.isoformat(), "by": r.by}
                for r in first.answers
            ],
            "status": first.status,
            "closed": first.closed,
            "customer": dict(first.customer),
        }
    except SopfsmError:
        pass  # restore names the entry that does not replay
    saved = {
        "format": FORMAT,
        "format_version": RECORD_FORMAT_VERSION,
        "sop": stored.sop,
        "version": stored.version,
        "step": state.step,
        "done": state.outcome is not None,
        "path": list(state.path),
        "outcome": None,
        **claims,
        "record": record,
    }
    if state.outcome is not None:
        data = {a["question"]: a["value"] for a in claims["answers"]}
        saved["outcome"] = {"code": state.outcome, "step": state.step, "data": data}
    return restore(saved)


def _saved_entry(item: Logged) -> dict[str, Any]:
    at = item.at.isoformat()
    if isinstance(item, LoggedAnswer):
        return {"kind": "answer", "question": item.question, "value": item.value, "at": at,
                "by": item.by}  # fmt: skip
    return {"kind": item.kind, **item.body, "at": at, "by": item.by}


def _entry(item: Logged) -> Entry:
    if isinstance(item, LoggedAnswer):
        return AnswerRecord(item.question, item.value, item.at, item.by)
    body = item.body
    if item.kind == "correction":
        return CorrectionRecord(body["question"], body["value"], body["replaces"],
                                body["reason"], (), None, None, item.at, item.by)  # fmt: skip
    if item.kind == "details":
        return DetailsRecord(body["fields"], item.at, item.by)
    return WrapUpRecord(item.kind, body.get("code"), body.get("note"), item.at, item.by)


def logged(entries: Sequence[Entry], agent: str) -> list[Logged]:
    """The entries of a call's record as its stored log keeps them, sent by ``agent``."""
    kept: list[Logged] = []
    for entry in entries:
        if isinstance(entry, AnswerRecord):
            kept.append(LoggedAnswer(entry.question, entry.value, agent, entry.at, entry.by))
        else:
            saved = entry_dict(entry)
            kind = saved.pop("kind")
            del saved["at"], saved["by"]
            kept.append(LoggedEntry(kind, saved, agent, entry.at, entry.by))
    return kept


def state_of(call: Call) -> CallState:
    outcome = call.outcome
    return CallState(call.step.id, call.path, outcome.code if outcome else None)


class LiveCalls:
    """Calls this process answered last, replayed already, by id and revision.

    An answer at revision ``n`` to a call held here at ``n`` skips reading and replaying
    its log: the store's append checks, atomically, that the call is still at ``n``
    (so an answer another process applied first still makes it a 409), and an
    append-only log at the same revision is the same log. A call is taken out while it
    is being answered, so two requests never share one; what is not held is loaded.
    """

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._held: collections.OrderedDict[str, tuple[StoredCall, Call]] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def take(self, call_id: str, revision: int) -> tuple[StoredCall, Call] | None:
        with self._lock:
            held = self._held.pop(call_id, None)
        if held is None or held[0].revision != revision:
            return None
        return held

    def keep(self, stored: StoredCall, call: Call) -> None:
        with self._lock:
            self._held[stored.id] = (stored, call)
            self._held.move_to_end(stored.id)
            while len(self._held) > self._size:
                self._held.popitem(last=False)


def start_call(
    store: CallStore,
    sop_id: str,
    given: Mapping[str, object],
    agent: str,
    live: LiveCalls | None = None,
) -> tuple[StoredCall, Call]:
    """Start a call on ``sop_id`` and apply ``given`` answers as each question comes up.

    Every given question must exist and every value be accepted, even one the call would
    not reach; an answer the call does not reach is refused (:class:`UnreachedAnswers`),
    since it would otherwise be dropped without a word.
    """
    sop = get_sop(sop_id)  # a client never names a file
    call, unused = start_answered(sop, given)
    if unused:
        raise UnreachedAnswers(sop.sop_id, unused, call.path)
    now = utc_now()
    stored = StoredCall(
        id=uuid.uuid4().hex,
        sop=sop.sop_id,
        version=sop.version,
        agent=agent,
        created=now,
        updated=now,
        state=state_of(call),
        log=tuple(logged(call.entries, agent)),
    )
    kept = store.create(stored)
    if live is not None:
        live.keep(kept, call)
    return kept, call


def answer_call(
    store: CallStore,
    call_id: str,
    question: str,
    value: object,
    *,
    revision: int,
    agent: str,
    live: LiveCalls | None = None,
) -> tuple[StoredCall, Call]:
    """Apply one answer to a call still at ``revision``; nothing changes if refused."""
    return change_call(
        store, call_id, lambda call: call.answer(question, value), revision=revision,
        agent=agent, live=live,
    )  # fmt: skip


def change_call(
    store: CallStore,
    call_id: str,
    change: Callable[[Call], object],
    *,
    revision: int,
    agent: str,
    live: LiveCalls | None = None,
) -> tuple[StoredCall, Call]:
    """Apply ``change`` to a call still at ``revision`` and append the entries it wrote;
    nothing changes if it is refused, or if another change was applied first."""
    held = live.take(call_id, revision) if live is not None else None
    if held is None:
        stored = store.get(call_id)
        if revision != stored.revision:
            raise StaleRevision(call_id, revision, stored.revision)
        call = replay(stored)
    else:
        stored, call = held
    change(call)  # a refusal leaves the call as it was, and not held
    new = call.entries[stored.revision :]
    kept = store.append(stored, logged(new, agent), state_of(call), utc_now())
    if live is not None:
        live.keep(kept, call)
    return kept, call


def correct(question: str, value: object, reason: str) -> Callable[[Call], object]:
    """A correction of ``question``'s answer, as the service applies it.

    Applied as an entry of the record (:meth:`Call.replay`), at the time it is applied:
    the service's calls have no answerers, and a changed outcome is told in the body
    (the correction's ``outcome_before`` and ``outcome_after``), not as a warning.
    """

    def apply(call: Call) -> object:
        # The value and reason are checked by the core as :meth:`Call.correct` checks them;
        # what the entry replaces is the core's to write, from the call itself.
        replaces = call.answer_value(question)
        raw = cast(Value, value)
        return call.replay(
            CorrectionRecord(question, raw, "" if replaces is None else replaces, reason, (),
                             None, None, utc_now(), BY_CSO)
        )  # fmt: skip

    return apply


def call_body(stored: StoredCall, call: Call, lang: Lang) -> dict[str, Any]:
    """``sopfsm run --json``'s keys, and the service's: id, revision, agent, times, log."""
    return {
        **call_dict(call, lang),
        "id": stored.id,
        "revision": stored.revision,
        "agent": stored.agent,
        "created": _time(stored.created),
        "updated": _time(stored.updated),
        "log": [_log_item(item) for item in stored.log],
    }


def _log_item(item: Logged) -> dict[str, Any]:
    """One entry of the stored log as the API shows it: its kind, fields, agent and time."""
    if isinstance(item, LoggedAnswer):
        return {"kind": "answer", "question": item.question, "value": item.value,
                "agent": item.agent, "at": _time(item.at), "by": item.by}  # fmt: skip
    return {"kind": item.kind, **item.body, "agent": item.agent, "at": _time(item.at),
            "by": item.by}  # fmt: skip


def _time(at: dt.datetime) -> str:
    return at.astimezone(dt.UTC).isoformat()


# The fields of a SOP the service tells at /v1/sops/{id}: no clause texts (the CLI's
# ``show`` has them), but where a call starts and how it can end.
SERVED = ("id", "clause", "title", "scope", "version", "source", "questions", "steps", "initial",
          "outcomes")  # fmt: skip


def sop_entry(sop: SopSpec) -> dict[str, Any]:
    """A catalogue entry: id, clause, version, title and scope in both languages, questions."""
    return sop_summary(sop, None)


def sop_whole(sop: SopSpec) -> dict[str, Any]:
    """The SOP whole, every text in both languages: ``sopfsm show --json``'s fields in each."""
    return view_json(select(sop_view(sop), SERVED), None)
