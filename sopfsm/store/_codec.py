"""How call values become columns and back, shared by the SQL stores."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sopfsm.answers import Value
from sopfsm.store.base import CallState, ClauseScore, LoggedAnswer, PracticeResult, StoredCall


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


def assemble(
    rows: Iterable[Mapping[str, Any]], answers: Iterable[Mapping[str, Any]], *, json_text: bool
) -> list[StoredCall]:
    """Calls from their rows and their answers' rows (each carrying ``call_seq``).

    ``json_text``: values and paths are JSON text (SQLite), not decoded already (JSONB).
    """
    decode = json.loads if json_text else _same
    logs: dict[int, list[LoggedAnswer]] = {}
    for a in answers:
        logs.setdefault(int(a["call_seq"]), []).append(
            LoggedAnswer(
                question=a["question"],
                value=decode(a["value"]),
                agent=a["agent"],
                at=parse_time(a["at"]),
                by=a["answered_by"],
            )
        )
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
