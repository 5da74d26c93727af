"""Calls kept in a store: start, answer, replay, and the bodies the API answers with.

A stored call is its answer log; loading it replays the log through
:func:`sopfsm.restore`, which also checks that the log reaches the step, path and
outcome stored beside it. Answering checks the revision, applies the answer to the
replayed call (so every refusal is the core's, and changes nothing), then asks the store
to append it only if the call is still at that revision.
"""

from __future__ import annotations

import collections
import datetime as dt
import threading
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from sopfsm.call import FORMAT, FORMAT_VERSION, Call, start_answered, utc_now
from sopfsm.catalogue import get_sop
from sopfsm.declare import OUTCOME_CODES, REGULAR_SOP
from sopfsm.errors import StaleRevision, UnreachedAnswers
from sopfsm.model import SopSpec
from sopfsm.saved import restore
from sopfsm.store.base import CallState, CallStore, LoggedAnswer, StoredCall
from sopfsm.text import Lang
from sopfsm.views import call_dict, select, sop_summary, sop_view, view_json

CALL_OUTCOMES = (*OUTCOME_CODES, REGULAR_SOP)
"""How a call can end: an APKT outcome, or the front door's hand-off to the regular SOP."""


def replay(stored: StoredCall) -> Call:
    """The live call a stored one replays to; a log that does not replay is refused."""
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
            for a in stored.log
        ],
        "outcome": None
        if state.outcome is None
        else {
            "code": state.outcome,
            "step": state.step,
            "data": {a.question: a.value for a in stored.log},
        },
    }
    return restore(saved)


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
    sop = get_sop(sop_id, files=False)  # a client never names a file
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
        log=tuple(LoggedAnswer(r.question, r.value, agent, r.at, r.by) for r in call.answers),
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
    check: Callable[[StoredCall], None] | None = None,
) -> tuple[StoredCall, Call]:
    """Apply one answer to a call still at ``revision``; nothing changes if refused.

    ``check`` sees the call before anything else is checked, and may refuse the answer
    (who may answer which call), by raising."""
    held = live.take(call_id, revision) if live is not None else None
    if held is not None and live is not None and check is not None:
        try:
            check(held[0])
        except BaseException:
            live.keep(*held)  # a refused answer leaves the call held as it was
            raise
    if held is None:
        stored = store.get(call_id)
        if check is not None:
            check(stored)
        if revision != stored.revision:
            raise StaleRevision(call_id, revision, stored.revision)
        call = replay(stored)
    else:
        stored, call = held
    call.answer(question, value)  # a refusal leaves the call as it was, and not held
    new = call.answers[stored.revision :]
    kept = store.append(
        stored,
        [LoggedAnswer(r.question, r.value, agent, r.at, r.by) for r in new],
        state_of(call),
        utc_now(),
    )
    if live is not None:
        live.keep(kept, call)
    return kept, call


def call_body(stored: StoredCall, call: Call, lang: Lang) -> dict[str, Any]:
    """``sopfsm run --json``'s keys, and the service's: id, revision, agent, times, log."""
    return {
        **call_dict(call, lang),
        "id": stored.id,
        "revision": stored.revision,
        "agent": stored.agent,
        "created": _time(stored.created),
        "updated": _time(stored.updated),
        "log": [
            {"question": a.question, "value": a.value, "agent": a.agent, "at": _time(a.at),
             "by": a.by}
            for a in stored.log
        ],
    }  # fmt: skip


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
