"""How call values become columns and back, shared by the SQL stores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sopfsm.answers import Value
from sopfsm.store.base import (
    CallState,
    ClauseScore,
    Delivery,
    Logged,
    LoggedAnswer,
    LoggedEntry,
    PracticeResult,
    ReportChange,
    ReportStatus,
    StoredCall,
)


def time_text(at: dt.datetime) -> str:
    """UTC ISO 8601 of one fixed width, so that text order is time order."""
    return at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f+00:00")


def parse_time(value: str | dt.datetime) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC)
    return dt.datetime.fromisoformat(value)


def value_json(value: Value) -> str:
    return json.dumps(value, ensure_ascii=False)


def path_json(path: Sequence[str]) -> str:
    return json.dumps(list(path))


def body_json(entry: LoggedEntry) -> str:
    return json.dumps(dict(entry.body), ensure_ascii=False)


def numbered(
    revision: int, log: Sequence[Logged]
) -> tuple[list[tuple[int, LoggedAnswer]], list[tuple[int, LoggedEntry]]]:
    """The answers and the other entries of ``log``, each with its revision after ``revision``."""
    answers: list[tuple[int, LoggedAnswer]] = []
    entries: list[tuple[int, LoggedEntry]] = []
    for n, item in enumerate(log, start=revision + 1):
        if isinstance(item, LoggedAnswer):
            answers.append((n, item))
        else:
            entries.append((n, item))
    return answers, entries


def assemble(
    rows: Iterable[Mapping[str, Any]],
    answers: Iterable[Mapping[str, Any]],
    *,
    json_text: bool,
    entries: Iterable[Mapping[str, Any]] = (),
    reports: Iterable[Mapping[str, Any]] = (),
) -> list[StoredCall]:
    """Calls from their rows, their answers' rows and their other entries' rows (each
    carrying ``call_seq`` and ``revision``), the log in revision order.

    ``json_text``: values and paths are JSON text (SQLite), not decoded already (JSONB).
    ``reports``: the rows of their reports' revisions, in revision order; the last of each
    call's is its report's status.
    """
    statuses = {
        int(r["call_seq"]): ReportStatus(r["report_id"], int(r["revision"]), r["kind"], r["state"])
        for r in reports
    }
    decode = json.loads if json_text else _same
    numbered_logs: dict[int, list[tuple[int, Logged]]] = {}
    for a in answers:
        numbered_logs.setdefault(int(a["call_seq"]), []).append(
            (
                int(a["revision"]),
                LoggedAnswer(
                    question=a["question"],
                    value=decode(a["value"]),
                    agent=a["agent"],
                    at=parse_time(a["at"]),
                    by=a["answered_by"],
                ),
            )
        )
    for e in entries:
        numbered_logs.setdefault(int(e["call_seq"]), []).append(
            (
                int(e["revision"]),
                LoggedEntry(
                    kind=e["kind"],
                    body=json.loads(e["body"]),
                    agent=e["agent"],
                    at=parse_time(e["at"]),
                    by=e["entered_by"],
                ),
            )
        )
    logs = {
        seq: [item for _, item in sorted(items, key=lambda pair: pair[0])]
        for seq, items in numbered_logs.items()
    }
    return [
        StoredCall(
            id=r["id"],
            sop=r["sop"],
            version=r["version"],
            agent=r["agent"],
            created=parse_time(r["created"]),
            updated=parse_time(r["updated"]),
            state=CallState(step=r["step"], path=tuple(decode(r["path"])), outcome=r["outcome"]),
            log=tuple(logs.get(int(r["seq"]), ())),
            seq=int(r["seq"]),
            report=statuses.get(int(r["seq"])),
        )
        for r in rows
    ]


def _same(value: Any) -> Any:
    return value


def scores_json(scores: Iterable[ClauseScore]) -> str:
    """A practice run's scores by clause as JSON text: [[clause, right, total], ...]."""
    return json.dumps([[s.clause, s.right, s.total] for s in scores], ensure_ascii=False)


def practice_result(row: Mapping[str, Any]) -> PracticeResult:
    """A kept practice run from its row."""
    return PracticeResult(
        agent=row["agent"],
        cohort=row["cohort"],
        scenario=row["scenario"],
        seed=int(row["seed"]),
        at=parse_time(row["at"]),
        scores=tuple(ClauseScore(c, int(r), int(t)) for c, r, t in json.loads(row["scores"])),
        seq=int(row["seq"]),
    )


def report_json(report: ReportChange) -> str:
    return json.dumps(dict(report.body), ensure_ascii=False, sort_keys=True)


def delivery(row: Mapping[str, Any]) -> Delivery:
    """A report revision in the outbox from its row (joined with its call's id)."""
    delivered = row["delivered_at"]
    return Delivery(
        id=int(row["seq"]),
        report_id=row["report_id"],
        revision=int(row["revision"]),
        call_id=row["call_id"],
        kind=row["kind"],
        body=json.loads(row["body"]),
        state=row["state"],
        attempts=int(row["attempts"]),
        created=parse_time(row["created"]),
        next_at=parse_time(row["next_at"]),
        claims=int(row["claims"]),
        delivered_at=None if delivered is None else parse_time(delivered),
        last_status=row["last_status"],
        last_error=row["last_error"],
        purged_at=None if row["purged_at"] is None else parse_time(row["purged_at"]),
    )
