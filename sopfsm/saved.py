"""Saving a call to JSON and restoring it, refusing anything it cannot restore faithfully.

A saved call is replayed, not trusted: restoring re-applies every answer through the SOP
and refuses the save unless the replay reaches the same steps it claims.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Mapping
from typing import Any

from sopfsm.call import (
    BY_ANSWERER,
    BY_CSO,
    FORMAT,
    FORMAT_VERSION,
    Answerer,
    AnswerRecord,
    Call,
    Clock,
    utc_now,
)
from sopfsm.catalogue import get_sop
from sopfsm.errors import SavedCallError, SopfsmError, UnknownSop
from sopfsm.spec import SopSpec

SUPPORTED_FORMAT_VERSIONS = (FORMAT_VERSION,)
MAX_SAVED_SIZE = 1_000_000  # characters; a call has a dozen answers, never megabytes

_KEYS = {"format", "format_version", "sop", "version", "step", "done", "path", "answers", "outcome"}
_ANSWER_KEYS = {"question", "value", "at", "by"}


def restore(
    saved: str | bytes | Mapping[str, Any],
    *,
    answerers: Mapping[str, Answerer] | None = None,
    clock: Clock = utc_now,
    sop: SopSpec | None = None,
) -> Call:
    """Rebuild a saved call by replaying its answers; :class:`SavedCallError` if it cannot.

    The SOP is looked up in the catalogue by the saved id, unless ``sop`` (a SOP of your
    own, from :func:`sopfsm.spec_of`) is given, whose id the save must then name.

    Refused, with the reason and the field: text that is not JSON or is truncated, another
    format or format version, an unknown SOP or SOP version, an unknown step, a malformed
    answer, an answer the SOP refuses, and a replay that does not reach the saved steps.
    """
    data = _load(saved)
    sop = _sop_of(data, sop)
    step = _string(data, "step")
    if not sop.has_step(step):
        raise SavedCallError(f"SOP {sop.sop_id!r} has no step {step!r}", "step")
    path = data["path"]
    if not isinstance(path, list) or not all(isinstance(p, str) for p in path):
        raise SavedCallError("must be a list of step ids", "path")
    records = _records(data["answers"])

    call = Call(sop, answerers=answerers, clock=clock)
    for index, record in enumerate(records):
        try:
            call._apply(record.question, record.value, record.at, record.by)
        except SopfsmError as error:
            raise SavedCallError(f"does not replay: {error}", f"answers[{index}]") from None
    if call.step.id != step or list(call.path) != path:
        raise SavedCallError(
            f"the answers replay to {list(call.path)}, not to the saved {path} ending at {step!r}",
            "path",
        )
    if data["done"] is not call.done:
        raise SavedCallError(f"says done={data['done']!r}, the replay says {call.done}", "done")
    replayed = call.outcome.to_dict() if call.outcome else None
    if data["outcome"] != replayed:
        raise SavedCallError(f"{data['outcome']!r} is not the replayed {replayed!r}", "outcome")
    call.run_answerers()
    return call


def _sop_of(data: Mapping[str, Any], sop: SopSpec | None) -> SopSpec:
    """The SOP a saved call names, once its format, format version and SOP version fit."""
    _expect_keys(data, _KEYS, "")
    if data["format"] != FORMAT:
        raise SavedCallError(f"not a saved sopfsm call (format {data['format']!r})", "format")
    version = data["format_version"]
    if version not in SUPPORTED_FORMAT_VERSIONS or isinstance(version, bool):
        raise SavedCallError(
            f"format version {version!r} is not supported; supported: "
            f"{', '.join(map(str, SUPPORTED_FORMAT_VERSIONS))}",
            "format_version",
        )
    sop_id = _string(data, "sop")
    if sop is None:
        try:
            sop = get_sop(sop_id)
        except UnknownSop as error:
            raise SavedCallError(str(error), "sop") from None
    elif sop.sop_id != sop_id:
        raise SavedCallError(f"saved for SOP {sop_id!r}, not {sop.sop_id!r}", "sop")
    if data["version"] != sop.version:
        raise SavedCallError(
            f"SOP {sop.sop_id!r} version {data['version']!r} is not the bundled {sop.version!r}",
            "version",
        )
    return sop


def _load(saved: str | bytes | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(saved, Mapping):
        return saved
    if not isinstance(saved, str | bytes | bytearray):
        raise SavedCallError(f"expected JSON text or a dict, not {type(saved).__name__}")
    if len(saved) > MAX_SAVED_SIZE:
        raise SavedCallError(f"larger than {MAX_SAVED_SIZE} characters")
    try:
        data = json.loads(saved, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:  # JSONDecodeError and bad UTF-8 alike
        raise SavedCallError(f"not JSON, or truncated ({error})") from None
    if not isinstance(data, dict):
        raise SavedCallError(f"expected a JSON object, not {type(data).__name__}")
    return data


def _refuse_constant(name: str) -> object:
    raise ValueError(f"{name} is not a number a call can hold")


def _expect_keys(data: Mapping[str, Any], keys: set[str], where: str) -> None:
    if not isinstance(data, Mapping):
        raise SavedCallError(f"expected an object, not {type(data).__name__}", where)
    missing = sorted(keys - set(data))
    extra = sorted(set(data) - keys)
    if missing:
        raise SavedCallError(f"missing {', '.join(missing)}", where)
    if extra:
        raise SavedCallError(f"unknown field {', '.join(map(str, extra))}", where)


def _string(data: Mapping[str, Any], key: str) -> str:
    value = data[key]
    if not isinstance(value, str):
        raise SavedCallError(f"must be text, not {type(value).__name__}", key)
    return value


def _records(answers: object) -> list[AnswerRecord]:
    if not isinstance(answers, list):
        raise SavedCallError("must be a list", "answers")
    records = []
    for index, item in enumerate(answers):
        where = f"answers[{index}]"
        _expect_keys(item, _ANSWER_KEYS, where)
        question, value, at, by = item["question"], item["value"], item["at"], item["by"]
        if not isinstance(question, str):
            raise SavedCallError("question must be text", where)
        if not isinstance(value, bool | int | float | str) or (
            isinstance(value, float) and not math.isfinite(value)
        ):
            raise SavedCallError(f"value {value!r} is not a yes/no, number or text", where)
        if by not in (BY_CSO, BY_ANSWERER):
            raise SavedCallError(f"by must be {BY_CSO!r} or {BY_ANSWERER!r}, not {by!r}", where)
        records.append(AnswerRecord(question, value, _time(at, where), by))
    return records


def _time(text: object, where: str) -> dt.datetime:
    if not isinstance(text, str):
        raise SavedCallError("at must be an ISO 8601 time", where)
    try:
        at = dt.datetime.fromisoformat(text)
    except ValueError:
        raise SavedCallError(f"at {text!r} is not an ISO 8601 time", where) from None
    if at.tzinfo is None:
        raise SavedCallError(f"at {text!r} has no time zone", where)
    return at
