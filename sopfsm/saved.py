"""Saving a call to JSON and restoring it, refusing anything it cannot restore faithfully.

A saved call is replayed, not trusted: restoring re-applies every answer through the SOP
and refuses the save unless the replay reaches the same steps, values and outcome it
claims, with no answer in the future. The answers' order is their order in the save,
never their clocks: a time before the previous answer's is read as the previous answer's
(:func:`sopfsm.call.in_answer_order`), as :meth:`Call.answer` records it, since two
servers on one store read two clocks. That is consistency, not
authenticity: an edit that keeps a save consistent (another valid NIK in both places, a
CSO's answer relabelled as the answerer's, earlier times) is only refused when the save
is signed and restored with its key (:mod:`sopfsm.signing`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import math
import warnings
from collections.abc import Mapping
from typing import Any

from sopfsm.call import (
    BY_ANSWERER,
    BY_CSO,
    FORMAT,
    FORMAT_VERSION,
    RECORD_FORMAT_VERSION,
    Answerer,
    AnswerRecord,
    Call,
    Clock,
    CorrectionRecord,
    DetailsRecord,
    Entry,
    WrapUpRecord,
    entry_dict,
    in_answer_order,
    utc_now,
)
from sopfsm.catalogue import get_sop, sop_version
from sopfsm.errors import (
    InvalidArgument,
    InvalidVersion,
    NoVersionInForce,
    SavedCallError,
    SopfsmError,
    UncheckedSignature,
    UnknownSop,
    shown,
)
from sopfsm.model import SopSpec
from sopfsm.signing import SIGNATURE, Keys, keys_by_id, signature_key, verify

SUPPORTED_FORMAT_VERSIONS = (FORMAT_VERSION, RECORD_FORMAT_VERSION)
"""1: answers only (every save before corrections); 2: the whole record."""
MAX_SAVED_SIZE = 1_000_000  # characters; a call has a dozen answers, never megabytes
FUTURE_TOLERANCE = dt.timedelta(minutes=5)
"""How far past the restoring clock an answer's time may be: clocks of two servers differ."""
EARLIEST_ZONE = dt.timezone(dt.timedelta(hours=9), "WIT")
"""A SOP version takes effect at midnight of its date in Indonesia's easternmost zone."""

_KEYS = {"format", "format_version", "sop", "version", "step", "done", "path", "answers", "outcome"}
_ANSWER_KEYS = {"question", "value", "at", "by"}
_KEYS_2 = _KEYS | {"status", "closed", "customer", "record"}
_ENTRY_KEYS = {
    "answer": {"kind", "question", "value", "at", "by"},
    "correction": {
        "kind",
        "question",
        "value",
        "replaces",
        "reason",
        "retracted",
        "outcome_before",
        "outcome_after",
        "at",
        "by",
    },
    "details": {"kind", "fields", "at", "by"},
    "abandon": {"kind", "code", "note", "at", "by"},
    "close": {"kind", "code", "note", "at", "by"},
}


def restore(
    saved: str | bytes | Mapping[str, Any],
    *,
    answerers: Mapping[str, Answerer] | None = None,
    clock: Clock = utc_now,
    sop: SopSpec | None = None,
    key: Keys | None = None,
) -> Call:
    """Rebuild a saved call by replaying its answers; :class:`SavedCallError` if it cannot.

    The SOP is looked up in the catalogue by the saved id, unless ``sop`` (a SOP of your
    own, from :func:`sopfsm.spec_of`) is given, whose id the save must then name.

    Version 2 saves carry the call's whole record (answers, corrections, details and the
    wrap-up), which is replayed entry by entry; the answers, status and customer they
    claim must be the replay's. Version 1 saves (answers only) still restore.

    Refused, with the reason and the field: text that is not JSON, is truncated or repeats
    a key; another format, or a format version other than the integer 1 or 2; an unknown SOP,
    SOP version or step; a malformed answer, an answer the SOP refuses or one not written
    as saves write it; answer times before the SOP version's date, or more than
    :data:`FUTURE_TOLERANCE` after ``clock()``; and a replay that does not reach the saved
    steps and outcome. An answer timed before the answer it follows is not refused: it is
    restored at the previous answer's time, the rule :meth:`Call.answer` records by.

    With ``key`` (a :class:`sopfsm.SigningKey`, or several for key rotation) the save must
    carry a signature by one of them that matches, or :class:`SignatureError` names the
    fault. A signed save restored without a key warns :class:`UncheckedSignature`.
    Once the save is restored, ``answerers`` answer its pending question; one that fails
    raises :class:`AnswererError`, as in :meth:`Call.answer`.
    """
    keys = keys_by_id(key) if key is not None else None
    data = _load(saved)
    if keys is not None:  # first: a field added or removed is a change like any other
        signed_with: str | None = verify(data, keys)
    version = data.get("format_version") if isinstance(data, Mapping) else None
    if "format_version" in data:  # first, so that a newer save is named as such
        _check_format_version(version)
    _expect_keys(data, _KEYS if version == FORMAT_VERSION else _KEYS_2, "", optional={SIGNATURE})
    if keys is None and SIGNATURE in data:
        warnings.warn(UncheckedSignature(signature_key(data)), stacklevel=2)
    sop = _sop_of(data, sop)
    step = _string(data, "step")
    if not sop.has_step(step):
        raise SavedCallError(f"SOP {sop.sop_id!r} has no step {shown(step)}", "step")
    path = data["path"]
    if not isinstance(path, list) or not all(isinstance(p, str) for p in path):
        raise SavedCallError("must be a list of step ids", "path")
    call = Call(sop, answerers=answerers, clock=clock)
    if version == RECORD_FORMAT_VERSION:
        _replay_record(call, data, _earliest(sop), call._now() + FUTURE_TOLERANCE)
    else:
        _replay_answers(call, data, _earliest(sop), call._now() + FUTURE_TOLERANCE)
    if call.step.id != step or list(call.path) != path:
        raise SavedCallError(
            f"the answers replay to {list(call.path)}, not to the saved "
            f"{shown(path, 200)} ending at {shown(step)}",
            "path",
        )
    if data["done"] is not call.done:
        raise SavedCallError(
            f"says done={shown(data['done'])}, the replay says {call.done}", "done"
        )
    replayed_outcome = call.outcome.to_dict() if call.outcome else None
    if not _same(data["outcome"], replayed_outcome):
        raise SavedCallError(
            f"{shown(data['outcome'], 200)} is not the replayed {replayed_outcome!r}", "outcome"
        )
    if keys is not None:
        call.signed_with = signed_with
    call.run_answerers()
    return call


def _replay_answers(
    call: Call, data: Mapping[str, Any], earliest: dt.datetime | None, latest: dt.datetime
) -> None:
    """A version 1 save: its answers, replayed in order."""
    records = _records(data["answers"], earliest, latest)
    for index, record in enumerate(records):
        where = f"answers[{index}]"
        try:
            call._apply(record.question, record.value, record.at, record.by)
        except SopfsmError as error:
            raise SavedCallError(f"does not replay: {error}", where) from None
        replayed = call.answers[-1].value
        if not _same(record.value, replayed):
            raise SavedCallError(
                f"value {shown(record.value)} is not written as a save writes it "
                f"({shown(replayed)})",
                where,
            )


def _replay_record(
    call: Call, data: Mapping[str, Any], earliest: dt.datetime | None, latest: dt.datetime
) -> None:
    """A version 2 save: every entry of its record replayed, each written back exactly as
    saved, then the effective answers, status and customer it claims checked."""
    record = data["record"]
    if not isinstance(record, list):
        raise SavedCallError("must be a list", "record")
    previous: dt.datetime | None = None
    for index, item in enumerate(record):
        where = f"record[{index}]"
        entry = _entry(item, where, earliest, latest)
        if previous is not None and entry.at < previous:
            raise SavedCallError(f"at {item['at']} is before the entry it follows", where)
        previous = entry.at
        try:
            written = call.replay(entry)
        except SopfsmError as error:
            raise SavedCallError(f"does not replay: {error}", where) from None
        if written is None or not _same(item, entry_dict(written)):
            shown_back = entry_dict(written) if written is not None else "no change"
            raise SavedCallError(
                f"{shown(item, 200)} is not what its replay writes ({shown(shown_back, 200)})",
                where,
            )
    answers = [
        {"question": r.question, "value": r.value, "at": r.at.isoformat(), "by": r.by}
        for r in call.answers
    ]
    for field, replayed in (
        ("answers", answers),
        ("status", call.status),
        ("closed", call.closed),
        ("customer", dict(call.customer)),
    ):
        if not _same(data[field], replayed):
            raise SavedCallError(
                f"{shown(data[field], 200)} is not the replayed {shown(replayed, 200)}", field
            )


def _entry(item: object, where: str, earliest: dt.datetime | None, latest: dt.datetime) -> Entry:
    """One saved record entry, its fields of the right types; the replay checks the rest."""
    kind = item.get("kind") if isinstance(item, Mapping) else None
    if not isinstance(kind, str) or kind not in _ENTRY_KEYS:
        raise SavedCallError(f"kind must be one of {', '.join(_ENTRY_KEYS)}", where)
    assert isinstance(item, Mapping)
    _expect_keys(item, _ENTRY_KEYS[kind], where)
    if kind == "answer":
        answer = {k: item[k] for k in _ANSWER_KEYS}
        # One answer checked as version 1 checks its answers; the order is checked above.
        return _records([answer], earliest, latest)[0]
    at = _entry_time(item["at"], where, earliest, latest)
    by = item["by"]
    if not isinstance(by, str):
        raise SavedCallError(f"by must be text, not {shown(by)}", where)
    if kind == "correction":
        question, value = item["question"], item["value"]
        if not isinstance(question, str):
            raise SavedCallError("question must be text", where)
        if not _is_value(value) or not _is_value(item["replaces"]):
            raise SavedCallError("value and replaces must be a yes/no, number or text", where)
        # What the replay derives (retracted, outcomes) is compared, not trusted.
        return CorrectionRecord(question, value, item["replaces"], item["reason"], (), None,
                                None, at, by)  # fmt: skip
    if kind == "details":
        fields = item["fields"]
        if not isinstance(fields, Mapping):
            raise SavedCallError("fields must be an object", where)
        return DetailsRecord(fields, at, by)
    return WrapUpRecord(kind, item["code"], item["note"], at, by)


def _is_value(value: object) -> bool:
    return isinstance(value, bool | int | float | str) and not (
        isinstance(value, float) and not math.isfinite(value)
    )


def _entry_time(
    at: object, where: str, earliest: dt.datetime | None, latest: dt.datetime
) -> dt.datetime:
    """An entry's time, bounded as an answer's is (:func:`_records`)."""
    when = _time(at, where)
    if earliest is not None and when < earliest:
        raise SavedCallError(f"at {at} is before the SOP version took effect", where)
    if when > latest:
        raise SavedCallError(
            f"at {at} is more than {FUTURE_TOLERANCE} after the restoring clock "
            f"({(latest - FUTURE_TOLERANCE).isoformat()})",
            where,
        )
    return when


def _same(saved: object, replayed: object) -> bool:
    """Equal as JSON, so a type change (``1`` for ``true`` or ``1.0``) is a difference."""
    try:
        return json.dumps(saved, sort_keys=True) == json.dumps(replayed, sort_keys=True)
    except (TypeError, ValueError, RecursionError):  # mixed keys, a cycle, 10**5 lists deep
        return False


def _earliest(sop: SopSpec) -> dt.datetime | None:
    """No call on a SOP version happened before the version's date, when it is a date."""
    try:
        effective = dt.date.fromisoformat(sop.version)
    except (TypeError, ValueError):
        return None
    return dt.datetime.combine(effective, dt.time(0), tzinfo=EARLIEST_ZONE)


def _sop_of(data: Mapping[str, Any], sop: SopSpec | None) -> SopSpec:
    """The SOP a saved call names, once its format, format version and SOP version fit."""
    if data["format"] != FORMAT:
        raise SavedCallError(f"not a saved sopfsm call (format {shown(data['format'])})", "format")
    _check_format_version(data["format_version"])
    sop_id = _string(data, "sop")
    if sop is None:
        try:
            sop = get_sop(sop_id)
        except UnknownSop as error:
            raise SavedCallError(str(error), "sop") from None
        # A call is restored under the version it was saved with, if the catalogue has it.
        if isinstance(data["version"], str) and data["version"] != sop.version:
            with contextlib.suppress(NoVersionInForce, InvalidVersion):  # refused below
                sop = sop_version(sop_id, data["version"])
    elif not isinstance(sop, SopSpec):
        raise InvalidArgument("sop", sop, "a SopSpec or None")
    elif sop.sop_id != sop_id:
        raise SavedCallError(f"saved for SOP {shown(sop_id)}, not {sop.sop_id!r}", "sop")
    if not isinstance(data["version"], str) or data["version"] != sop.version:
        raise SavedCallError(
            f"SOP {sop.sop_id!r} version {shown(data['version'])} is not the bundled "
            f"{sop.version!r}",
            "version",
        )
    return sop


def _check_format_version(version: object) -> None:
    if type(version) is not int or version not in SUPPORTED_FORMAT_VERSIONS:
        # 1.0 and true compare equal to 1, but no save writes them: someone edited it.
        raise SavedCallError(
            f"format version {shown(version)} is not supported; supported: "
            f"{', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))}",
            "format_version",
        )


def _load(saved: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(saved, Mapping):
        return saved
    if not isinstance(saved, str | bytes | bytearray):
        raise SavedCallError(f"expected JSON text or a dict, not {type(saved).__name__}")
    if len(saved) > MAX_SAVED_SIZE:
        raise SavedCallError(f"larger than {MAX_SAVED_SIZE} characters")
    if isinstance(saved, str):
        # json.loads takes bytes with a byte-order mark; text that kept one is the same save.
        saved = saved.removeprefix("\ufeff")
    try:
        data = json.loads(saved, parse_constant=_refuse_constant, object_pairs_hook=_object)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and bad UTF-8 alike
        raise SavedCallError(f"not JSON, or truncated ({shown(str(error), 200)})") from None
    if not isinstance(data, dict):
        raise SavedCallError(f"expected a JSON object, not {type(data).__name__}")
    return data


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, refused if it names a key twice (json.loads would keep the last)."""
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        twice = next(k for k, _ in pairs if k in seen or seen.add(k))  # type: ignore[func-returns-value]
        raise SavedCallError(f"the key {shown(twice)} appears twice in one object")
    return data


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a call can hold")


def _expect_keys(
    data: Mapping[str, Any],
    keys: set[str],
    where: str,
    optional: frozenset[str] | set[str] = frozenset(),
) -> None:
    if not isinstance(data, Mapping):
        raise SavedCallError(f"expected an object, not {type(data).__name__}", where)
    names = list(data)
    odd = next((name for name in names if not isinstance(name, str)), None)
    if odd is not None:
        raise SavedCallError(f"field names are text, not {shown(odd)}", where)
    missing = sorted(keys - set(names))
    extra = sorted(set(names) - keys - set(optional))
    if missing:
        raise SavedCallError(f"missing {', '.join(missing)}", where)
    if extra:
        raise SavedCallError(f"unknown field {', '.join(shown(e) for e in extra)}", where)


def _string(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise SavedCallError(f"must be text, not {type(value).__name__}", key)
    return value


def _records(
    answers: object, earliest: dt.datetime | None, latest: dt.datetime
) -> list[AnswerRecord]:
    if not isinstance(answers, list):
        raise SavedCallError("must be a list", "answers")
    records: list[AnswerRecord] = []
    for index, item in enumerate(answers):
        where = f"answers[{index}]"
        _expect_keys(item, _ANSWER_KEYS, where)
        question, value, at, by = item["question"], item["value"], item["at"], item["by"]
        if not isinstance(question, str):
            raise SavedCallError("question must be text", where)
        if not isinstance(value, bool | int | float | str) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise SavedCallError(f"value {shown(value)} is not a yes/no, number or text", where)
        if not isinstance(by, str) or by not in (BY_CSO, BY_ANSWERER):
            raise SavedCallError(
                f"by must be {BY_CSO!r} or {BY_ANSWERER!r}, not {shown(by)}", where
            )
        when = _time(at, where)
        if earliest is not None and when < earliest:
            raise SavedCallError(f"at {at} is before the SOP version took effect", where)
        if when > latest:
            raise SavedCallError(
                f"at {at} is more than {FUTURE_TOLERANCE} after the restoring clock "
                f"({(latest - FUTURE_TOLERANCE).isoformat()})",
                where,
            )
        when = in_answer_order(when, records[-1].at if records else None)
        records.append(AnswerRecord(question, value, when, by))
    return records


def _time(text: object, where: str) -> dt.datetime:
    if not isinstance(text, str):
        raise SavedCallError("at must be an ISO 8601 time", where)
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise SavedCallError(f"at {shown(text)} is not an ISO 8601 time", where) from None
    if at.tzinfo is None:
        raise SavedCallError(f"at {shown(text)} has no time zone", where)
    return at
