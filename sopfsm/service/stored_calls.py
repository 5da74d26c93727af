"""Calls kept in a store: start, answer, correct, wrap up, replay, and the bodies the API
answers with.

A stored call is its log: answers, and the corrections, details and wrap-up of its record.
Loading a log of answers alone (:func:`load`) walks it on the SOP's compiled tables
(:mod:`sopfsm.compiled`), a few microseconds where instantiating the python-statemachine
machine and replaying through :func:`sopfsm.restore` costs a millisecond; the walk checks
what ``restore`` checks, and whatever it does not accept is handed to ``restore``, so that
a log that does not replay is refused with the core's own error. A log with record entries
replays through :class:`~sopfsm.call.Call` (:func:`replay`), which alone knows
corrections. ``tests/test_compiled.py`` proves that the walk shows what the machine shows.
A change checks the revision, applies itself to the loaded call (so every refusal is the
core's, and changes nothing), then asks the store to append what it wrote only if the call
is still at that revision.
"""

from __future__ import annotations

import collections
import datetime as dt
import functools
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, cast

import attrs
from starlette.concurrency import run_in_threadpool

from sopfsm import compiled
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
    utc_now,
)
from sopfsm.catalogue import catalogue_generation, get_sop, sop_version
from sopfsm.compiled import CompiledCall, CompiledSop
from sopfsm.declare import OUTCOME_CODES, REGULAR_SOP
from sopfsm.errors import (
    SavedCallError,
    SopfsmError,
    StaleRevision,
    UnreachedAnswers,
    UnreadableCall,
)
from sopfsm.model import SopSpec
from sopfsm.report import report_change, report_of
from sopfsm.saved import EARLIEST_ZONE, FUTURE_TOLERANCE, restore
from sopfsm.service import awaited, metrics
from sopfsm.service.problems import error_body
from sopfsm.store.base import (
    CallState,
    CallStore,
    Logged,
    LoggedAnswer,
    LoggedEntry,
    ReportChange,
    StoredCall,
)
from sopfsm.text import Lang
from sopfsm.views import call_dict, select, sop_summary, sop_view, view_json

CALL_OUTCOMES = (*OUTCOME_CODES, REGULAR_SOP)
"""How a call can end: an APKT outcome, or the front door's hand-off to the regular SOP."""

Loaded = Call | CompiledCall


def replay(stored: StoredCall) -> Call:
    """The live call a stored one replays to; :class:`UnreadableCall` if its log does not
    replay (a SOP version no longer bundled, a log edited by hand)."""
    try:
        return _replay(stored)
    except SavedCallError as error:
        raise UnreadableCall(stored.id, error.reason, error.where) from None


def _replay(stored: StoredCall) -> Call:
    """The call a stored one replays to, or the :class:`SavedCallError` of its log."""
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
        first = Call(sop_of(stored))
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


def load(stored: StoredCall) -> Loaded:
    """The call a stored one stands at: walked on the compiled SOP when its log holds
    answers alone, else replayed; :class:`UnreadableCall` if its log does not replay."""
    if not stored.answers_only:
        return replay(stored)
    call = _walk(stored)
    if call is not None:
        return call
    replay(stored)  # raises the error naming what is wrong with the log
    # The machine replays what the compiled walk refuses: they disagree, which the
    # differential test rules out; never serve either reading.
    raise SavedCallError(f"call {stored.id!r}: the compiled SOP does not replay its log", "answers")


def _walk(stored: StoredCall) -> CompiledCall | None:
    """The compiled walk of ``stored``, or None where :func:`sopfsm.restore` must judge."""
    try:
        table = _table(stored.sop, stored.version)
    except SopfsmError:
        return None
    call = CompiledCall(table)
    if not _walks(call, stored.log, _earliest(table.version)):
        return None
    state = stored.state
    outcome = call.at.outcome
    if call.at.id != state.step or call.path != tuple(state.path) or outcome != state.outcome:
        return None
    return call


def _walks(call: CompiledCall, log: Sequence[Logged], earliest: dt.datetime | None) -> bool:
    """Whether ``log`` walks on ``call`` as :func:`sopfsm.restore` would replay it: times
    none before the SOP version or in the future, each answer accepted as written."""
    latest = utc_now() + FUTURE_TOLERANCE
    for logged in log:
        if not isinstance(logged, LoggedAnswer):
            return False
        at = logged.at
        if (earliest is not None and at < earliest) or at > latest:
            return False
        # A time before the previous answer's is taken as that time (in_answer_order), as
        # restore takes it: servers whose clocks differ write such logs.
        try:
            call.answer(logged.question, logged.value, at, logged.by)
        except SopfsmError:
            return False
        value = call.answers[-1].value
        if type(value) is not type(logged.value) or value != logged.value:
            return False  # not written as a save writes it
    return True


def sop_of(stored: StoredCall) -> SopSpec:
    """The SOP version a stored call keeps to its end, whatever is in force now; the
    version in force when the catalogue no longer has it (so that replaying names what
    is wrong with the call)."""
    try:
        return sop_version(stored.sop, stored.version)
    except SopfsmError:
        return get_sop(stored.sop)


def _table(sop_id: str, version: str) -> CompiledSop:
    """The compiled tables of one version of a SOP: by id and version, since a call keeps
    its version while a newer one takes effect, and afresh when versions are added (a SOP
    file may override a bundled version). A stored call names a catalogue SOP; a client
    never names a file."""
    return _compiled(sop_id, version, catalogue_generation())


@functools.lru_cache(maxsize=256)
def _compiled(sop_id: str, version: str, _generation: int) -> CompiledSop:
    return compiled.compile_sop(sop_version(sop_id, version))


@functools.cache
def _earliest(version: str) -> dt.datetime | None:
    """No call on a SOP version happened before the version's date (as :func:`restore`)."""
    try:
        effective = dt.date.fromisoformat(version)
    except ValueError:
        return None
    return dt.datetime.combine(effective, dt.time(0), tzinfo=EARLIEST_ZONE)


def state_of(call: Loaded) -> CallState:
    outcome = call.outcome
    return CallState(call.path[-1], call.path, outcome.code if outcome else None)


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
        self._held: collections.OrderedDict[str, tuple[StoredCall, Loaded]] = (
            collections.OrderedDict()
        )
        self._lock = threading.Lock()

    def take(self, call_id: str, revision: int) -> tuple[StoredCall, Loaded] | None:
        with self._lock:
            held = self._held.pop(call_id, None)
        if held is None or held[0].revision != revision:
            return None
        return held

    def keep(self, stored: StoredCall, call: Loaded) -> None:
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
    *,
    reported: Callable[[], None] | None = None,
) -> tuple[StoredCall, Loaded]:
    """Start a call on ``sop_id`` and apply ``given`` answers as each question comes up.

    Every given question must exist and every value be accepted, even one the call would
    not reach; an answer the call does not reach is refused (:class:`UnreachedAnswers`),
    since it would otherwise be dropped without a word.
    """
    stored, call, change = _starting(sop_id, given, agent)
    with metrics.commit_timer(store, "create"):
        kept = store.create(stored, change)
    return _started(kept, call, change, live, reported)


async def start_on_loop(
    store: CallStore,
    sop_id: str,
    given: Mapping[str, object],
    agent: str,
    live: LiveCalls | None = None,
    *,
    reported: Callable[[], None] | None = None,
) -> tuple[StoredCall, Loaded]:
    """:func:`start_call` from the service's event loop: the call is made on the loop
    (its SOP's compiled tables), and its creation awaited as the store's future."""
    stored, call, change = _starting(sop_id, given, agent)
    with metrics.commit_timer(store, "create"):
        kept = await awaited.result(store.create_soon(stored, change))
    return _started(kept, call, change, live, reported)


def _starting(
    sop_id: str, given: Mapping[str, object], agent: str
) -> tuple[StoredCall, CompiledCall, ReportChange | None]:
    """A new call and its report, if its given answers end it, not yet stored."""
    sop = get_sop(sop_id)  # a client never names a file
    call, unused = compiled.start_answered(_table(sop.sop_id, sop.version), given)
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
    report = report_of(call, call_id=stored.id, agent=agent, started=now)
    change = None if report is None else ReportChange(report["report_id"], report["kind"], report)
    return stored, call, change


def _started(
    kept: StoredCall,
    call: CompiledCall,
    change: ReportChange | None,
    live: LiveCalls | None,
    reported: Callable[[], None] | None,
) -> tuple[StoredCall, Loaded]:
    metrics.started(kept.state.outcome)
    if change is not None and reported is not None:
        reported()
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
    reported: Callable[[], None] | None = None,
) -> tuple[StoredCall, Loaded]:
    """Apply one answer to a call still at ``revision``; nothing changes if refused.

    ``check`` sees the call before anything else is checked, and may refuse the answer
    (who may answer which call), by raising."""
    return change_call(
        store, call_id, _answering(question, value), revision=revision, agent=agent,
        live=live, check=check, kind="answer", reported=reported,
    )  # fmt: skip


def change_call(
    store: CallStore,
    call_id: str,
    # A Call for a record entry (made so below), either kind for an answer.
    change: Callable[[Any], object],
    *,
    revision: int,
    agent: str,
    live: LiveCalls | None = None,
    check: Callable[[StoredCall], None] | None = None,
    kind: str = "record",
    reported: Callable[[], None] | None = None,
) -> tuple[StoredCall, Loaded]:
    """Apply ``change`` to a call still at ``revision`` and append the entries it wrote;
    nothing changes if it is refused, or if another change was applied first. A change
    other than an answer (``kind``) needs the record: it is made on a replayed Call.

    A change that alters the call's APKT report (:mod:`sopfsm.report`) appends its new
    revision, or its withdrawal, in the same transaction; ``reported`` is then called,
    after the commit (to wake a deliverer)."""
    held = live.take(call_id, revision) if live is not None else None
    changed = _apply(
        store, call_id, change, revision=revision, agent=agent, live=live, check=check,
        kind=kind, held=held,
    )  # fmt: skip
    with metrics.commit_timer(store, kind):
        kept = store.append(*changed.appended)
    return _settle(changed, _report_now(store, kept, changed.report), live, reported)


async def answer_on_loop(
    store: CallStore,
    call_id: str,
    question: str,
    value: object,
    *,
    revision: int,
    agent: str,
    live: LiveCalls,
    check: Callable[[StoredCall], None] | None = None,
    reported: Callable[[], None] | None = None,
) -> tuple[StoredCall, Loaded]:
    """:func:`answer_call` from the service's event loop.

    An answer to a call this process holds at ``revision`` is applied on the loop (the
    compiled walk takes microseconds) and its append awaited as the store's future, so
    that it waits for no thread of its own; any other is answered in the thread pool,
    which reads the call from the store, as :func:`answer_call` does."""
    held = live.take(call_id, revision)
    if held is None:
        return await run_in_threadpool(
            answer_call, store, call_id, question, value, revision=revision, agent=agent,
            live=live, check=check, reported=reported,
        )  # fmt: skip
    changed = _apply(
        store, call_id, _answering(question, value), revision=revision, agent=agent,
        live=live, check=check, kind="answer", held=held,
    )  # fmt: skip
    with metrics.commit_timer(store, "answer"):
        kept = await awaited.result(store.append_soon(*changed.appended))
    if _report_stale(kept, changed.report):
        kept = await run_in_threadpool(_report_now, store, kept, changed.report)
    return _settle(changed, kept, live, reported)


@attrs.frozen
class _Changed:
    """A change applied to a loaded call and not yet stored: what the store appends."""

    stored: StoredCall
    call: Loaded
    new: tuple[Logged, ...]
    state: CallState
    updated: dt.datetime
    report: ReportChange | None
    kind: str

    @property
    def appended(self) -> tuple[Any, ...]:
        """The arguments of the store's ``append``."""
        return (self.stored, self.new, self.state, self.updated, self.report)


def _answering(question: str, value: object) -> Callable[[Loaded], object]:
    def answer(call: Loaded) -> object:
        if isinstance(call, CompiledCall):
            return call.answer(question, value, utc_now())
        return call.answer(question, value)

    return answer


def _apply(
    store: CallStore,
    call_id: str,
    change: Callable[[Any], object],
    *,
    revision: int,
    agent: str,
    live: LiveCalls | None,
    check: Callable[[StoredCall], None] | None,
    kind: str,
    held: tuple[StoredCall, Loaded] | None,
) -> _Changed:
    """``change`` applied to the call (``held``, or read from the store), nothing stored."""
    if held is not None and live is not None and check is not None:
        try:
            check(held[0])
        except BaseException:
            live.keep(*held)  # a refused change leaves the call held as it was
            raise
    if held is None:
        stored = store.get(call_id)
        if check is not None:
            check(stored)
        if revision != stored.revision:
            raise StaleRevision(call_id, revision, stored.revision)
        call: Loaded = load(stored)
    else:
        stored, call = held
    if kind != "answer" and isinstance(call, CompiledCall):
        call = replay(stored)
    before = _report(stored, call) if call.outcome is not None else None
    change(call)  # a refusal leaves the call as it was, and not held
    if isinstance(call, CompiledCall):
        new: list[Logged] = [
            LoggedAnswer(r.question, r.value, agent, r.at, r.by)
            for r in call.answers[stored.revision :]
        ]
    else:
        new = logged(call.entries[stored.revision :], agent)
    report = _report_change(stored, call, before, new)
    return _Changed(stored, call, tuple(new), state_of(call), utc_now(), report, kind)


def _settle(
    changed: _Changed,
    kept: StoredCall,
    live: LiveCalls | None,
    reported: Callable[[], None] | None,
) -> tuple[StoredCall, Loaded]:
    """After the commit: wake the deliverer, count the answer, hold the call."""
    if changed.report is not None and reported is not None:
        reported()
    if changed.kind == "answer":
        metrics.answered(kept.sop, changed.stored.state.outcome, kept.state.outcome)
    if live is not None:
        live.keep(kept, changed.call)
    return kept, changed.call


def _report_now(store: CallStore, kept: StoredCall, report: ReportChange | None) -> StoredCall:
    """``kept`` with its report's delivery as it stands now: the call as read (or held)
    tells it as it was then, and a deliverer may have settled it since."""
    if _report_stale(kept, report):
        return attrs.evolve(kept, report=store.get(kept.id).report)
    return kept


def _report_stale(kept: StoredCall, report: ReportChange | None) -> bool:
    """Whether ``kept`` may tell its report's delivery as it was, not as it is: the
    change made no new revision, and the last one was still pending when read."""
    return report is None and kept.report is not None and kept.report.state == "pending"


def _report_change(
    stored: StoredCall, call: Loaded, before: dict[str, Any] | None, new: Sequence[Logged]
) -> ReportChange | None:
    """The revision of its report that ``call`` (changed from ``stored`` by the entries
    ``new``) adds, if its report was ``before``: None if the change leaves it as it was."""
    after = _report(stored, call) if call.outcome is not None else None
    at = new[-1].at if new else utc_now()
    document = report_change(before, after, call, call_id=stored.id, agent=stored.agent, at=at)
    if document is None:
        return None
    return ReportChange(document["report_id"], document["kind"], document)


def _report(stored: StoredCall, call: Loaded) -> dict[str, Any] | None:
    """The APKT report of ``call``, the stored call ``stored`` changed or not yet."""
    return report_of(call, call_id=stored.id, agent=stored.agent, started=stored.created)


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


def call_body(stored: StoredCall, call: Call | CompiledCall, lang: Lang) -> dict[str, Any]:
    """``sopfsm run --json``'s keys, and the service's: id, revision, agent, times, log."""
    return {
        **call_dict(call, lang),
        "id": stored.id,
        "revision": stored.revision,
        "agent": stored.agent,
        "created": _time(stored.created),
        "updated": _time(stored.updated),
        "log": [_log_item(item) for item in stored.log],
        "report": report_body(stored),
    }


def report_body(stored: StoredCall) -> dict[str, Any] | None:
    """Where the call's APKT report stands, as of when the call was read: its id, latest
    revision, kind and delivery state (``pending``, ``delivered``, ``dead``); None when
    the call has made no report."""
    status = stored.report
    if status is None:
        return None
    return {"id": status.report_id, "revision": status.revision, "kind": status.kind,
            "state": status.state, "delivered": status.state == "delivered"}  # fmt: skip


def listed_body(stored: StoredCall, lang: Lang) -> dict[str, Any]:
    """A call as a listing shows it: :func:`call_body`, or, for a call that does not
    replay, what the store holds of it and ``unreadable``, the problem, so that one such
    call never hides the others from a listing."""
    try:
        call = load(stored)
    except UnreadableCall as error:
        return {
            "id": stored.id,
            "sop": stored.sop,
            "version": stored.version,
            "revision": stored.revision,
            "agent": stored.agent,
            "created": _time(stored.created),
            "updated": _time(stored.updated),
            "unreadable": error_body(error),
        }
    return call_body(stored, call, lang)


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
