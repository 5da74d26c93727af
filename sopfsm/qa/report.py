"""The QA report: a text summary, Markdown tables for a ticket, and one HTML page.

The HTML page is self-contained (no network): its charts are SVG drawn by matplotlib
with a fixed font, glyphs as paths, a fixed hash salt and no date, so the same summary
gives the same bytes; each deviation code's example call is drawn on its SOP's flowchart
(:func:`sopfsm.diagram.render`) with the path it took highlighted.
"""

from __future__ import annotations

import html
import io
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import PurePath
from typing import Final

from sopfsm.diagram import CURRENT_COLOUR, PATH_COLOUR
from sopfsm.errors import MissingDependency
from sopfsm.qa.summary import NO_MONTH, Example, Summary
from sopfsm.qa.verdict import CODES
from sopfsm.text import Lang

FONT: Final = "DejaVu Sans"
OK_COLOUR: Final = "#3a8f4b"
# The flowcharts' colours: a call's path, and where it stopped (a deviation).
BAD_COLOUR: Final = CURRENT_COLOUR
MEANING: Final = {
    "wrong_outcome": "the recorded outcome is not where the answers lead",
    "outcome_not_allowed": "an outcome outside the SOP's closed set (clause 4: never to the unit)",
    "missing_answer": "a question on the path was never answered",
    "extra_answer": "an answer to a question the path never asks",
    "invalid_answer": "a value the question refuses",
    "missing_data": "the report lacks what its clause requires it to carry",
    "unfinished": "no outcome recorded",
    "unknown_sop": "the call names a SOP the catalogue does not have",
    "unknown_version": "the call names a SOP version that is not in force",
}


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


# C0 and C1 controls, DEL, lone surrogates, line and paragraph separators and the bidi
# controls: a name from a recorded call that holds one could move the cursor, colour a
# terminal, start a new table row or reorder what a reader sees.
_UNSHOWABLE: Final = re.compile(
    "[\x00-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def plain(value: object) -> str:
    """``value`` as text safe to print, each control character written as its escape."""
    return _UNSHOWABLE.sub(lambda found: repr(found.group())[1:-1], str(value))


def _cell(value: object) -> str:
    """A Markdown table cell that stays in its row and its column."""
    return plain(value).replace("\\", "\\\\").replace("|", "\\|")


def _ranked(counter: Counter[str]) -> list[tuple[str, int]]:
    return sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))


# -- text and Markdown --------------------------------------------------------------------


def summary_text(summary: Summary) -> str:
    lines = [
        f"{summary.calls} calls checked: {summary.conforming} conform "
        f"({_pct(summary.conforming, summary.calls)}), {summary.deviating} deviate; "
        f"{summary.unreadable} lines skipped as unreadable",
    ]
    if summary.by_code:
        lines.append("deviations by code:")
        lines += [f"  {code:<20} {n}" for code, n in _ranked(summary.by_code)]
        lines.append("deviations by clause:")
        lines += [f"  {plain(clause):<20} {n}" for clause, n in _ranked(summary.by_clause)]
        worst = summary.worst_agents(5)
        lines.append("worst agents (deviating calls / calls):")
        lines += [f"  {plain(a):<20} {d}/{n} ({_pct(d, n)})" for a, d, n in worst]
    if summary.abandoned:
        lines.append(f"abandoned calls (not unfinished): {sum(summary.abandoned.values())}")
        lines += [f"  {plain(code):<20} {n}" for code, n in _ranked(summary.abandoned)]
    if summary.corrected:
        lines.append(f"corrected calls: {summary.corrected}; corrections by question:")
        lines += [f"  {plain(q):<20} {n}" for q, n in _ranked(summary.corrections_by_question)]
        lines.append("corrections by agent:")
        lines += [f"  {plain(a):<20} {n}" for a, n in _ranked(summary.corrections_by_agent)[:10]]
    return "\n".join(lines)


def _table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    lines += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def _code(value: str) -> str:
    """``value`` as inline code, unless a backtick in it would end the code early."""
    return f"`{value}`" if "`" not in value else value


def summary_markdown(summary: Summary) -> str:
    parts = [
        "## Calls checked against the SOP in force",
        "",
        _table(
            ("calls", "conform", "deviate", "conformance", "unreadable lines"),
            [
                (
                    summary.calls,
                    summary.conforming,
                    summary.deviating,
                    _pct(summary.conforming, summary.calls),
                    summary.unreadable,
                )
            ],
        ),
        "",
        "### Deviations by code",
        "",
        _table(
            ("code", "deviations", "meaning"),
            [(f"`{c}`", n, MEANING[c]) for c, n in _ranked(summary.by_code)],
        ),
        "",
        "### Deviations by clause",
        "",
        _table(("clause", "deviations"), _ranked(summary.by_clause)),
        "",
        "### By SOP",
        "",
        _table(
            ("SOP", "calls", "deviating", "share"),
            [
                (_code(s), n, summary.deviating_by_sop[s], _pct(summary.deviating_by_sop[s], n))
                for s, n in sorted(summary.by_sop.items())
            ],
        ),
        "",
        "### Worst agents",
        "",
        _table(
            ("agent", "deviating calls", "calls", "share"),
            [(a, d, n, _pct(d, n)) for a, d, n in summary.worst_agents()],
        ),
    ]
    return "\n".join(parts)


# -- HTML ---------------------------------------------------------------------------------


def _figure(height: float) -> object:
    try:
        import matplotlib
        from matplotlib.figure import Figure
    except ImportError:  # pragma: no cover - the qa extra is missing
        raise MissingDependency("matplotlib", "qa") from None
    matplotlib.rcParams.update(
        {
            "svg.hashsalt": "sopfsm-qa",
            "svg.fonttype": "path",
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
            "font.size": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
        }
    )
    return Figure(figsize=(6.4, height), layout="constrained")


def _svg(figure: object) -> str:
    out = io.StringIO()
    figure.savefig(out, format="svg", metadata={"Date": None})  # type: ignore[attr-defined]
    text = out.getvalue()
    return text[text.index("<svg") :]


def _barh(title: str, rows: Sequence[tuple[str, int]], colour: str, xlabel: str) -> str:
    figure = _figure(0.6 + 0.28 * max(len(rows), 1))
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    labels = [plain(r[0]) for r in rows][::-1]
    values = [r[1] for r in rows][::-1]
    bars = axes.barh(labels, values, color=colour)
    axes.bar_label(bars, padding=3, fontsize=8)
    axes.set_title(title, loc="left", fontweight="bold")
    axes.set_xlabel(xlabel)
    axes.margins(x=0.12)
    return _svg(figure)


def _by_sop(summary: Summary) -> str:
    sops = sorted(summary.by_sop)
    figure = _figure(0.8 + 0.32 * max(len(sops), 1))
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    bad = [summary.deviating_by_sop[s] for s in sops]
    good = [summary.by_sop[s] - summary.deviating_by_sop[s] for s in sops]
    labels = [plain(s) for s in sops]
    axes.barh(labels, good, color=OK_COLOUR, label="conform")
    axes.barh(labels, bad, left=good, color=BAD_COLOUR, label="deviate")
    axes.invert_yaxis()
    axes.legend(loc="center left", bbox_to_anchor=(1.0, 0.5), frameon=False)
    axes.set_title("Calls by SOP", loc="left", fontweight="bold")
    axes.set_xlabel("calls")
    return _svg(figure)


def _over_time(summary: Summary) -> str:
    months = sorted(m for m in summary.by_month if m != NO_MONTH)
    figure = _figure(2.6)
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    rates = [
        100 * (summary.by_month[m] - summary.deviating_by_month[m]) / summary.by_month[m]
        for m in months
    ]
    axes.plot(months, rates, marker="o", color=PATH_COLOUR)
    axes.set_ylim(min([*rates, 80.0]) - 2, 100.5)
    axes.set_ylabel("conforming calls (%)")
    axes.set_title("Conformance by month", loc="left", fontweight="bold")
    axes.tick_params(axis="x", labelrotation=45, labelsize=8)
    axes.grid(axis="y", alpha=0.3)
    return _svg(figure)


def _agents(summary: Summary) -> str:
    worst = summary.worst_agents(12)
    rows = [(f"{plain(a)} ({d}/{n})", round(100 * d / n, 1)) for a, d, n in worst]
    figure = _figure(0.6 + 0.28 * max(len(rows), 1))
    axes = figure.add_subplot()  # type: ignore[attr-defined]
    labels = [r[0] for r in rows][::-1]
    values = [r[1] for r in rows][::-1]
    bars = axes.barh(labels, values, color=BAD_COLOUR)
    axes.bar_label(bars, padding=3, fontsize=8, fmt="%.1f%%")
    axes.set_title("Worst agents: share of their calls that deviate", loc="left", fontweight="bold")
    axes.set_xlabel("deviating calls (%)")
    axes.margins(x=0.12)
    return _svg(figure)


def example_flowchart(example: Example, lang: Lang = "id") -> str | None:
    """The example's SOP flowchart as SVG, its path in blue, where it stopped in red."""
    from sopfsm.catalogue import get_sop
    from sopfsm.diagram import chart_of, render
    from sopfsm.errors import UnknownSop

    if not example.path:
        return None
    try:
        sop = get_sop(example.sop)
    except UnknownSop:
        return None
    chart = chart_of(sop, lang, example.path, example.path[-1])
    text = render(chart, "svg").decode()
    return text[text.index("<svg") :]


_STYLE: Final = """
body{font-family:'DejaVu Sans',sans-serif;margin:24px;color:#1d2330;background:#f6f7f9}
h1{margin:0 0 4px}h2{margin:28px 0 8px}
.cards{display:flex;gap:16px;margin:16px 0}
.card{background:#fff;border-radius:8px;padding:14px 20px;box-shadow:0 1px 3px #0002}
.card b{display:block;font-size:30px}.card.rate b{color:#3a8f4b}.card.bad b{color:#c8402f}
.grid{display:grid;align-items:start;grid-template-columns:repeat(auto-fit,minmax(560px,1fr));gap:16px}
.panel{background:#fff;border-radius:8px;padding:10px;box-shadow:0 1px 3px #0002;overflow:auto}
.panel svg{max-width:100%;height:auto}
table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ccd;padding:4px 8px;
text-align:left}code{background:#eef;padding:0 3px}
details{background:#fff;border-radius:8px;margin:8px 0;padding:8px 12px;box-shadow:0 1px 3px #0002}
summary{cursor:pointer;font-weight:bold}.flow svg{max-width:100%;height:auto}
"""


def _html_table(head: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    cells = "".join(f"<th>{html.escape(h)}</th>" for h in head)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(plain(c))}</td>" for c in row) + "</tr>" for row in rows
    )
    return f"<table><tr>{cells}</tr>{body}</table>"


def _example_html(code: str, example: Example, lang: Lang) -> str:
    facts = [
        ("call", example.call_id or "-"),
        ("where", f"{PurePath(example.file).name}:{example.line}"),
        ("SOP", example.sop),
        ("recorded outcome", example.outcome or "-"),
        ("answers lead to", example.expected or "-"),
        ("deviation", ", ".join(f"{k}={v}" for k, v in example.deviation.items())),
        ("path", " → ".join(example.path) or "-"),
    ]
    chart = example_flowchart(example, lang)
    drawn = f'<div class="flow">{chart}</div>' if chart else "<p>No flowchart: no SOP path.</p>"
    return (
        f'<details data-code="{code}"><summary>{html.escape(code)}: '
        f"{html.escape(MEANING[code])}</summary>{_html_table(('', ''), facts)}{drawn}</details>"
    )


def summary_html(summary: Summary, lang: Lang = "id") -> str:
    """One self-contained page; the same summary gives the same bytes."""
    codes = [(c, summary.by_code[c]) for c in CODES if summary.by_code[c]]
    charts = [
        _barh("Deviations by code", codes, BAD_COLOUR, "deviations"),
        _barh("Deviations by clause", _ranked(summary.by_clause), "#d9822b", "deviations"),
        _by_sop(summary),
        _agents(summary),
    ]
    if any(m != NO_MONTH for m in summary.by_month):
        charts.append(_over_time(summary))
    cards = (
        f'<div class="cards"><div class="card rate" data-rate><b>'
        f"{_pct(summary.conforming, summary.calls)}</b>conformance</div>"
        f'<div class="card"><b>{summary.calls:,}</b>calls checked</div>'
        f'<div class="card bad"><b>{summary.deviating:,}</b>calls deviate</div>'
        f'<div class="card"><b>{summary.unreadable:,}</b>lines unreadable</div></div>'
    )
    worst_agents = _html_table(
        ("agent", "deviating calls", "calls", "share"),
        [(a, d, n, _pct(d, n)) for a, d, n in summary.worst_agents()],
    )
    worst_clauses = _html_table(("clause", "deviations"), _ranked(summary.by_clause)[:10])
    examples = "".join(
        _example_html(code, summary.examples[code], lang)
        for code in CODES
        if code in summary.examples
    )
    unreadable = _html_table(
        ("file", "line", "reason"), [(u.file, u.line, u.reason) for u in summary.unreadable_shown]
    )
    panels = "".join(f'<div class="panel">{c}</div>' for c in charts)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        "<title>sopfsm QA: calls against the SOP in force</title>"
        f"<style>{_STYLE}</style></head><body>"
        "<h1>Calls against the SOP in force</h1>"
        "<p>PLN 123, SOP update of 10 April 2020. Every call replayed through the SOP "
        "version it names.</p>"
        f'{cards}<div class="grid">{panels}</div>'
        f'<div class="grid"><div><h2>Worst agents</h2>{worst_agents}</div>'
        f"<div><h2>Worst clauses</h2>{worst_clauses}</div></div>"
        f"<h2>An example of each deviation</h2>{examples}"
        f"<h2>Unreadable lines</h2>{unreadable if summary.unreadable else '<p>None.</p>'}"
        "</body></html>\n"
    )
