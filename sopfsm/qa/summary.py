"""What a run of the check found, in counts that merge: by code, clause, SOP, agent, month.

Workers each summarise their chunks; the summaries are merged in input order, so that the
examples (the first call of each deviation code) are the same with one job or many.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any, Final

import attrs

from sopfsm.qa.read import Unreadable
from sopfsm.qa.verdict import Verdict
from sopfsm.text import Lang

MAX_UNREADABLE_SHOWN: Final = 100
NO_CLAUSE: Final = "(no clause)"
NO_AGENT: Final = "(none)"
NO_MONTH: Final = "(no date)"


@attrs.define
class Example:
    """The first call found with a deviation code, with what its flowchart needs."""

    call_id: str | None
    file: str
    line: int
    sop: str
    path: tuple[str, ...]
    outcome: str | None
    expected: str | None
    deviation: dict[str, Any]


@attrs.define
class Summary:
    calls: int = 0
    conforming: int = 0
    unreadable: int = 0
    unreadable_shown: list[Unreadable] = attrs.Factory(list)
    by_code: Counter[str] = attrs.Factory(Counter)
    by_clause: Counter[str] = attrs.Factory(Counter)
    by_sop: Counter[str] = attrs.Factory(Counter)
    deviating_by_sop: Counter[str] = attrs.Factory(Counter)
    by_agent: Counter[str] = attrs.Factory(Counter)
    deviating_by_agent: Counter[str] = attrs.Factory(Counter)
    by_month: Counter[str] = attrs.Factory(Counter)
    deviating_by_month: Counter[str] = attrs.Factory(Counter)
    examples: dict[str, Example] = attrs.Factory(dict)
    abandoned: Counter[str] = attrs.Factory(Counter)  # by wrap-up code
    corrected: int = 0  # calls with at least one correction
    corrections_by_agent: Counter[str] = attrs.Factory(Counter)
    corrections_by_question: Counter[str] = attrs.Factory(Counter)

    @property
    def deviating(self) -> int:
        return self.calls - self.conforming

    @property
    def rate(self) -> float:
        """The share of calls read that conform (1.0 when none were read)."""
        return self.conforming / self.calls if self.calls else 1.0

    def add(self, verdict: Verdict, lang: Lang = "en") -> None:
        call = verdict.call
        agent = call.agent or NO_AGENT
        month = _month(call.at)
        self.calls += 1
        self.by_sop[call.sop] += 1
        self.by_agent[agent] += 1
        self.by_month[month] += 1
        if call.abandoned is not None:
            self.abandoned[call.abandoned] += 1
        if call.corrections:
            self.corrected += 1
            self.corrections_by_agent[agent] += len(call.corrections)
            self.corrections_by_question.update(call.corrections)
        if not verdict.deviations:
            self.conforming += 1
            return
        self.deviating_by_sop[call.sop] += 1
        self.deviating_by_agent[agent] += 1
        self.deviating_by_month[month] += 1
        for deviation in verdict.deviations:
            self.by_code[deviation.code] += 1
            self.by_clause[deviation.clause or NO_CLAUSE] += 1
            if deviation.code not in self.examples:
                self.examples[deviation.code] = Example(
                    call.call_id,
                    call.file,
                    call.line,
                    call.sop,
                    verdict.path,
                    call.outcome,
                    verdict.expected,
                    deviation.to_dict(lang),
                )

    def add_unreadable(self, problem: Unreadable) -> None:
        self.unreadable += 1
        if len(self.unreadable_shown) < MAX_UNREADABLE_SHOWN:
            self.unreadable_shown.append(problem)

    def merge(self, later: Summary) -> None:
        """Add ``later``'s counts; examples and shown problems keep the earlier ones first."""
        self.calls += later.calls
        self.conforming += later.conforming
        self.unreadable += later.unreadable
        self.corrected += later.corrected
        room = MAX_UNREADABLE_SHOWN - len(self.unreadable_shown)
        self.unreadable_shown += later.unreadable_shown[: max(room, 0)]
        for name in (
            "by_code",
            "by_clause",
            "by_sop",
            "deviating_by_sop",
            "by_agent",
            "deviating_by_agent",
            "by_month",
            "deviating_by_month",
            "abandoned",
            "corrections_by_agent",
            "corrections_by_question",
        ):
            getattr(self, name).update(getattr(later, name))
        for code, example in later.examples.items():
            self.examples.setdefault(code, example)

    def worst_agents(self, limit: int = 10) -> list[tuple[str, int, int]]:
        """(agent, deviating calls, calls), most deviating calls first, then by name."""
        rows = [(a, self.deviating_by_agent[a], n) for a, n in self.by_agent.items()]
        rows = [r for r in rows if r[1]]
        rows.sort(key=lambda r: (-r[1] / r[2], -r[1], r[0]))
        return rows[:limit]

    def to_dict(self) -> dict[str, Any]:
        return {
            "calls": self.calls,
            "conforming": self.conforming,
            "deviating": self.deviating,
            "conformance_rate": round(self.rate, 6),
            "unreadable": self.unreadable,
            "unreadable_lines": [
                {"file": u.file, "line": u.line, "reason": u.reason} for u in self.unreadable_shown
            ],
            "by_code": dict(sorted(self.by_code.items())),
            "by_clause": dict(sorted(self.by_clause.items())),
            "by_sop": {
                s: {"calls": n, "deviating": self.deviating_by_sop[s]}
                for s, n in sorted(self.by_sop.items())
            },
            "by_month": {
                m: {"calls": n, "deviating": self.deviating_by_month[m]}
                for m, n in sorted(self.by_month.items())
            },
            "worst_agents": [
                {"agent": a, "deviating": d, "calls": n} for a, d, n in self.worst_agents()
            ],
            "examples": {
                code: attrs.asdict(example) for code, example in sorted(self.examples.items())
            },
            "abandoned": {
                "calls": sum(self.abandoned.values()),
                "by_code": dict(sorted(self.abandoned.items())),
            },
            "corrections": {
                "calls": self.corrected,
                "total": sum(self.corrections_by_question.values()),
                "by_agent": dict(sorted(self.corrections_by_agent.items())),
                "by_question": dict(sorted(self.corrections_by_question.items())),
            },
        }


def _month(at: str | None) -> str:
    # ISO 8601 starts with YYYY-MM(-DD); what is not a real date has no month to count in.
    if not at or len(at) < 7 or at[4] != "-" or not (at[:4].isdigit() and at[5:7].isdigit()):
        return NO_MONTH
    try:
        if len(at) >= 10 and at[7] == "-":
            dt.date.fromisoformat(at[:10])
        else:
            dt.date(int(at[:4]), int(at[5:7]), 1)
    except ValueError:
        return NO_MONTH
    return at[:7]
