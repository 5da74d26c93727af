"""What changed between two SOPs, as one self-contained HTML page for reviewers.

Both flowcharts side by side (inline SVG, drawn from the chart model with what changed
marked: :func:`sopfsm.diagram.changes.diff_charts`), then the answer paths, steps,
branches, questions and citations that changed, with both texts. Nothing is fetched: no
script, font, image or style sheet from elsewhere, so the page opens offline, is attached
to a review as it is, and is the same bytes for the same two SOPs.
"""

from __future__ import annotations

import html
from typing import Final

from sopfsm.diagram.changes import diff_charts
from sopfsm.diagram.dot import inline_svg
from sopfsm.diagram.words import CHANGED_COLOUR, WORDS
from sopfsm.diff import PATH_STATUSES, SopDiff, diff_sops
from sopfsm.model import SopSpec
from sopfsm.text import Lang, Text

_WORDS: Final = {
    "title": Text(id="Yang berubah", en="What changed"),
    "old": Text(id="Versi sebelumnya", en="Earlier version"),
    "new": Text(id="Versi berikutnya", en="Later version"),
    "paths": Text(id="Jalur jawaban", en="Answer paths"),
    "answers": Text(id="Jawaban", en="Answers"),
    "status": Text(id="Status", en="Status"),
    "outcome": Text(id="Hasil", en="Outcome"),
    "where": Text(id="Berubah dalam, di", en="Changed in, at"),
    "too_many": Text(
        id="terlalu banyak untuk dicantumkan; langkah dan cabang di bawah menunjukkan yang berubah",
        en="too many to list; the steps and branches below say what changed",
    ),
    "steps": Text(id="Langkah", en="Steps"),
    "branches": Text(id="Cabang", en="Branches"),
    "step": Text(id="Langkah", en="Step"),
    "answer": Text(id="Jawaban", en="Answer"),
    "leads_to": Text(id="Menuju", en="Leads to"),
    "per": Text(id="Dasar", en="Per"),
    "questions": Text(id="Pertanyaan", en="Questions"),
    "citations": Text(id="Klausul dan asumsi yang dikutip", en="Clauses and assumptions cited"),
    "no_longer": Text(id="tidak dikutip lagi", en="no longer cited"),
    "newly": Text(id="baru dikutip", en="newly cited"),
    "same": Text(
        id="Tidak ada perbedaan: setiap jalur jawaban, langkah, pertanyaan dan kutipan sama.",
        en="No difference: every answer path, step, question and citation is the same.",
    ),
    "unchanged": Text(id="tidak berubah", en="unchanged"),
    "changed": Text(id="berubah", en="changed"),
    "gone": Text(id="hilang", en="gone"),
    "new_path": Text(id="baru", en="new"),
    "added": Text(id="ditambahkan", en="added"),
    "removed": Text(id="dihapus", en="removed"),
    "reworded": Text(id="diubah kalimatnya", en="reworded"),
    "retyped": Text(id="diubah jenis jawabannya", en="retyped"),
}
_STATUS_WORDS: Final = {"new": "new_path"}

_STYLE: Final = f"""
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 0; color: #1a1a1a; }}
body {{ background: #fff; }}
main {{ padding: 1.5em 2em; }}
h1 {{ font-size: 1.5em; margin: 0 0 .3em; }}
h2 {{ border-bottom: 2px solid #444; padding-bottom: .2em; margin-top: 1.6em; }}
.charts {{ display: grid; grid-template-columns: 1fr 1fr; gap: 1.5em; align-items: start; }}
.chart {{ border: 1px solid #888; padding: .5em; }}
.chart h2 {{ margin-top: 0; font-size: 1.1em; }}
.chart svg {{ max-width: 100%; height: auto; display: block; margin: 0 auto; }}
.legend {{ border-left: 6px solid {CHANGED_COLOUR}; padding: .3em .7em; background: #fbeaf7; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #999; padding: .3em .5em; text-align: left; vertical-align: top; }}
del {{ background: #fde2e2; color: #7a0000; }}
ins {{ background: #dff3df; color: #0b4d0b; text-decoration: none; }}
.status-changed, .status-gone, .status-new {{ color: {CHANGED_COLOUR}; font-weight: bold; }}
.note {{ background: #fff6e5; border-left: 6px solid #6b3e00; padding: .3em .7em; }}
code {{ font-size: .95em; }}
@media print {{ .charts {{ grid-template-columns: 1fr; }} }}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def diff_html(old: SopSpec, new: SopSpec, lang: Lang = "id") -> str:
    """The page of what changed from ``old`` to ``new``, in ``lang`` (the flowcharts and
    headings; the texts of both SOPs in both languages, as the diff gives them)."""
    diff = diff_sops(old, new)
    w = {k: v.in_(lang) for k, v in _WORDS.items()}
    old_chart, new_chart = diff_charts(old, new, lang, diff)
    title = f"{w['title']}: {old.sop_id} {old.version} → {new.sop_id} {new.version}"
    parts = [f"<h1>{_e(title)}</h1>"]
    if not diff.same_sop:
        parts.append(f'<p class="note">{_e(_different(old.sop_id, new.sop_id).in_(lang))}</p>')
    parts.append(_summary(diff, w))
    if not diff.same:
        parts.append(f'<p class="legend">{_e(WORDS["changed"].in_(lang))}</p>')
    parts.append('<div class="charts">')
    for side, sop, chart in (("old", old, old_chart), ("new", new, new_chart)):
        parts.append(
            f'<section class="chart" data-chart="{side}" data-version="{_e(sop.version)}">'
            f"<h2>{_e(w[side])}: {_e(sop.sop_id)} {_e(sop.version)}</h2>"
            f"{inline_svg(chart)}</section>"
        )
    parts.append("</div>")
    if not diff.same:
        parts += [
            _paths(diff, w),
            _steps(diff, w),
            _branches(diff, w),
            _questions(diff, w),
            _citations(diff, w),
        ]
    body = "\n".join(p for p in parts if p)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<main>\n{body}\n</main>\n</body>\n</html>\n"
    )


def _different(old_id: str, new_id: str) -> Text:
    return Text(
        id=f"Ini dua SOP yang berbeda ({old_id} dan {new_id}), tetap dibandingkan menurut "
        "jalur jawabannya.",
        en=f"These are two different SOPs ({old_id} and {new_id}), compared by their answer "
        "paths all the same.",
    )


def _status(status: str, w: dict[str, str]) -> str:
    word = w[_STATUS_WORDS.get(status, status)]
    return f'<span class="status-{_e(status)}">{_e(word)}</span>'


def _both(old: str | None, new: str | None) -> str:
    shown = []
    if old is not None:
        shown.append(f"<del>− {_e(old)}</del>")
    if new is not None:
        shown.append(f"<ins>+ {_e(new)}</ins>")
    return "<br>".join(shown)


def _summary(diff: SopDiff, w: dict[str, str]) -> str:
    if diff.same:
        return f'<p data-same="">{_e(w["same"])}</p>'
    counts = ", ".join(
        f"{diff.path_counts[s]} {_e(w[_STATUS_WORDS.get(s, s)])}" for s in PATH_STATUSES
    )
    return f"<p><b>{_e(w['paths'])}:</b> {counts}</p>"


def _paths(diff: SopDiff, w: dict[str, str]) -> str:
    head = f"<h2>{_e(w['paths'])}</h2>"
    if diff.paths is None:
        return f"{head}<p>{_e(w['too_many'])}</p>"
    rows = [
        f"<tr><th>{_e(w['answers'])}</th><th>{_e(w['status'])}</th>"
        f"<th>{_e(w['outcome'])}</th><th>{_e(w['where'])}</th></tr>"
    ]
    for path in diff.paths:
        answers = "<br>".join(f"{_e(q)} = {_e(a)}" for q, a in path.answers) or "—"
        if path.old_outcome == path.new_outcome:
            outcome = _e(path.old_outcome)
        else:
            outcome = _both(path.old_outcome, path.new_outcome)
        where = ""
        if path.changes:
            where = f"{_e(', '.join(path.changes))}: {_e(', '.join(path.at))}"
        rows.append(
            f'<tr data-path="{_e(path.status)}"><td>{answers}</td>'
            f"<td>{_status(path.status, w)}</td><td>{outcome}</td><td>{where}</td></tr>"
        )
    return f"{head}<table>{''.join(rows)}</table>"


def _steps(diff: SopDiff, w: dict[str, str]) -> str:
    if not diff.steps:
        return ""
    parts = [f"<h2>{_e(w['steps'])}</h2>"]
    for step in diff.steps:
        parts.append(
            f'<h3 data-step="{_e(step.step)}"><code>{_e(step.step)}</code> '
            f"{_status(step.status, w)}</h3>"
        )
        if step.changes:
            rows = "".join(
                f"<tr><th>{_e(c.what)}</th><td>{_both(c.old, c.new)}</td></tr>"
                for c in step.changes
            )
            parts.append(f"<table>{rows}</table>")
    return "\n".join(parts)


def _branches(diff: SopDiff, w: dict[str, str]) -> str:
    if not diff.branches:
        return ""
    rows = [
        f"<tr><th>{_e(w['step'])}</th><th>{_e(w['answer'])}</th>"
        f"<th>{_e(w['leads_to'])}</th><th>{_e(w['per'])}</th></tr>"
    ]
    rows += [
        f'<tr data-branch="{_e(b.step)} {_e(b.answer)}"><td><code>{_e(b.step)}</code></td>'
        f"<td>{_e(b.answer)}</td><td>{_both(b.old_target, b.new_target)}</td>"
        f"<td>{_both(b.old_per, b.new_per)}</td></tr>"
        for b in diff.branches
    ]
    return f"<h2>{_e(w['branches'])}</h2><table>{''.join(rows)}</table>"


def _questions(diff: SopDiff, w: dict[str, str]) -> str:
    if not diff.questions:
        return ""
    rows = "".join(
        f'<tr data-question="{_e(q.question)}"><th><code>{_e(q.question)}</code><br>'
        f"{_e(w[q.status])}</th><td>{_both(q.old, q.new)}</td></tr>"
        for q in diff.questions
    )
    return f"<h2>{_e(w['questions'])}</h2><table>{rows}</table>"


def _citations(diff: SopDiff, w: dict[str, str]) -> str:
    if not (diff.cites_removed or diff.cites_added):
        return ""
    items = []
    if diff.cites_removed:
        items.append(f"<li>{_e(w['no_longer'])}: {_both(', '.join(diff.cites_removed), None)}</li>")
    if diff.cites_added:
        items.append(f"<li>{_e(w['newly'])}: {_both(None, ', '.join(diff.cites_added))}</li>")
    return f"<h2>{_e(w['citations'])}</h2><ul>{''.join(items)}</ul>"
