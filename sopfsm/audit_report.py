"""Audit reports as text (for a terminal), Markdown (for a review) and JSON (for tools)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sopfsm.audit import AuditReport, Check, PathRow

ROUTE_ARROW = " -> "


def report_dict(report: AuditReport) -> dict[str, Any]:
    return {
        "sop": report.sop_id,
        "ok": report.ok,
        "checks": [_check_dict(c) for c in report.checks],
        "path_count": report.path_count,
        "max_answers": report.max_answers,
        "outcomes": dict(report.outcome_counts),
        "paths": None if report.paths is None else [_path_dict(p) for p in report.paths],
    }


def _check_dict(check: Check) -> dict[str, Any]:
    return {
        "name": check.name,
        "title": check.title,
        "verdict": _verdict(check),
        "findings": [{"message": f.message, "route": list(f.route)} for f in check.findings],
    }


def _path_dict(path: PathRow) -> dict[str, Any]:
    return {
        "answers": dict(path.answers),
        "steps": list(path.steps),
        "outcome": path.outcome,
        "cites": list(path.cites),
        "scripts": [
            {"kind": s.kind.value, "per": s.per.label, **s.text.as_json()} for s in path.scripts
        ],
    }


def _verdict(check: Check) -> str:
    if check.skipped:
        return "skipped"
    return "pass" if check.passed else "FAIL"


def _answers(path: PathRow) -> str:
    return ", ".join(f"{q}={a}" for q, a in path.answers)


def report_text(reports: Sequence[AuditReport]) -> str:
    lines: list[str] = []
    for report in reports:
        lines.append(f"{report.sop_id}: {'ok' if report.ok else 'FAILED'}")
        for check in report.checks:
            lines.append(f"  {_verdict(check):<7} {check.name:<14} {check.title}")
            for finding in check.findings:
                lines.append(f"          - {finding.message}")
                if finding.route:
                    lines.append(f"            route: {ROUTE_ARROW.join(finding.route)}")
        lines.append(f"  paths: {_count(report)}; {_bound(report)}; outcomes: {_outcomes(report)}")
        for path in report.paths or ():
            lines.append(f"    {_answers(path)} => {path.outcome}  [{', '.join(path.cites)}]")
        lines.append("")
    failed = [r.sop_id for r in reports if not r.ok]
    lines.append(
        f"{len(reports)} SOPs audited; "
        + (f"FAILED: {', '.join(failed)}" if failed else "all checks pass")
    )
    return "\n".join(lines)


def report_markdown(reports: Sequence[AuditReport]) -> str:
    lines = ["# Audit of the SOPs", ""]
    for report in reports:
        lines += [f"## `{report.sop_id}`: {'ok' if report.ok else 'FAILED'}", ""]
        lines += ["| check | verdict | what it proves |", "| --- | --- | --- |"]
        lines += [f"| {c.name} | {_verdict(c)} | {c.title} |" for c in report.checks]
        lines.append("")
        for check in report.checks:
            for finding in check.findings:
                route = f" (route: `{ROUTE_ARROW.join(finding.route)}`)" if finding.route else ""
                lines.append(f"- **{check.name}**: {finding.message}{route}")
        lines += [
            f"Paths: {_count(report)}, {_bound(report)}. Outcomes: {_outcomes(report)}.",
            "",
        ]
        if report.paths:
            lines += ["| answers | outcome | clauses and assumptions |", "| --- | --- | --- |"]
            lines += [
                f"| {_answers(p)} | `{p.outcome}` | {', '.join(p.cites)} |" for p in report.paths
            ]
            lines.append("")
    return "\n".join(lines)


def _count(report: AuditReport) -> str:
    if report.path_count is None:
        return "not countable"
    listed = "" if report.paths is not None else " (too many to list)"
    return f"{report.path_count}{listed}"


def _bound(report: AuditReport) -> str:
    # No bound is found when a path loops or never ends; the checks above name why.
    if report.max_answers is None:
        return "no bound on the answers of a call"
    return f"at most {report.max_answers} answers"


def _outcomes(report: AuditReport) -> str:
    return ", ".join(f"{code} {n}" for code, n in sorted(report.outcome_counts.items())) or "none"
