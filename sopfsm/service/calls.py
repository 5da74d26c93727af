"""Calls kept in a store: start, answer, replay, and the bodies the API answers with.

A stored call is its answer log; loading it replays the log through
:func:`sopfsm.restore`, which also checks that the log reaches the step, path and
outcome stored beside it. Answering checks the revision, applies the answer to the
replayed call (so every refusal is the core's, and changes nothing), then asks the store
to append it only if the call is still at that revision.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from typing import Any

from sopfsm._text import Lang, Text
from sopfsm.call import FORMAT, FORMAT_VERSION, Call, start, utc_now
from sopfsm.catalogue import get_sop
from sopfsm.errors import StaleRevision, UnknownQuestion, UnreachedAnswers
from sopfsm.present import call_dict, sop_dict, sop_summary
from sopfsm.saved import restore
from sopfsm.spec import SopSpec
from sopfsm.store.base import CallState, CallStore, LoggedAnswer, StoredCall


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


def start_call(
    store: CallStore, sop_id: str, given: Mapping[str, object], agent: str
) -> tuple[StoredCall, Call]:
    """Start a call on ``sop_id`` and apply ``given`` answers as each question comes up.

    Every given question must exist and every value be accepted, even one the call would
    not reach; an answer the call does not reach is refused (:class:`UnreachedAnswers`),
    since it would otherwise be dropped without a word.
    """
    sop = get_sop(sop_id)
    known = [q.id for q in sop.questions]
    for question_id, value in given.items():
        question = sop.question(question_id)
        if question is None:
            raise UnknownQuestion(sop.sop_id, question_id, known)
        question.coerce(value)
    call = start(sop)
    used: set[str] = set()
    while (pending := call.pending) is not None and pending.id in given:
        call.answer(pending.id, given[pending.id])
        used.add(pending.id)
    unused = [q for q in given if q not in used]
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
    return store.create(stored), call


def answer_call(
    store: CallStore, call_id: str, question: str, value: object, *, revision: int, agent: str
) -> tuple[StoredCall, Call]:
    """Apply one answer to a call still at ``revision``; nothing changes if refused."""
    stored = store.get(call_id)
    if revision != stored.revision:
        raise StaleRevision(call_id, revision, stored.revision)
    call = replay(stored)
    call.answer(question, value)
    new = call.answers[stored.revision :]
    kept = store.append(
        call_id,
        revision,
        [LoggedAnswer(r.question, r.value, agent, r.at, r.by) for r in new],
        state_of(call),
        utc_now(),
    )
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


def _both(text: Text) -> dict[str, str]:
    return {"id": text.id, "en": text.en}


def sop_entry(sop: SopSpec) -> dict[str, Any]:
    """A catalogue entry: id, clause, version, title in both languages, questions."""
    return {**sop_summary(sop, "id"), "title": _both(sop.title)}


def sop_whole(sop: SopSpec) -> dict[str, Any]:
    """The SOP whole, every text in both languages: ``sopfsm show --json`` in each."""
    by_lang = {lang: sop_dict(sop, lang) for lang in ("id", "en")}
    ind, eng = by_lang["id"], by_lang["en"]
    questions = [
        {
            "id": q.id,
            "prompt": _both(q.prompt),
            "accepted": _both(q.accepted),
        }
        for q in sop.questions
    ]
    steps = []
    for step_id, step_en in zip(ind["steps"], eng["steps"], strict=True):
        steps.append(
            {
                **step_id,
                "says": [
                    {**s, "text": {"id": s["text"], "en": e["text"]}}
                    for s, e in zip(step_id["says"], step_en["says"], strict=True)
                ],
                "branches": [
                    {**b, "when": {"id": b["when"], "en": e["when"]}}
                    for b, e in zip(step_id["branches"], step_en["branches"], strict=True)
                ],
            }
        )
    outcomes = sorted({s.outcome for s in sop.steps if s.outcome is not None})
    return {
        **sop_entry(sop),
        "questions": questions,
        "steps": steps,
        "initial": sop.initial.id,
        "outcomes": outcomes,
    }
