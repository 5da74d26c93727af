"""The training booklet: one self-contained HTML file with every SOP's clause text,
flowchart (inline SVG), scripts and table of answer paths. No links, scripts or fonts are
fetched, so it opens and prints from a browser with no network."""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Final

from sopfsm.assumptions import ASSUMPTIONS
from sopfsm.audit import audit
from sopfsm.clauses import SOURCE_TITLE
from sopfsm.compose import part_of
from sopfsm.declare import KIND_WORDS, ScriptKind
from sopfsm.diagram.dot import inline_svg
from sopfsm.diagram.words import WORDS
from sopfsm.diff import diff_sops, format_diff
from sopfsm.model import SopSpec
from sopfsm.provenance import Assumption
from sopfsm.text import Lang, Text
from sopfsm.views import CLAUSE_TEXT_WORD, SCOPE_WORD, TRANSLATION_WORD, clause_texts

_HEADINGS: Final = {
    "title": Text(id="Buku Pelatihan SOP CSO PLN 123", en="PLN 123 CSO SOP training booklet"),
    "assumptions": Text(
        id="Asumsi (dokumen tidak mengatur)", en="Assumptions (the document is silent)"
    ),
    "flowchart": Text(id="Diagram alur", en="Flowchart"),
    "scripts": Text(
        id="Yang disampaikan, dilakukan dan dicatat CSO",
        en="What the CSO says, does and notes",
    ),
    "paths": Text(id="Semua jalur jawaban", en="Every answer path"),
    "answers": Text(id="Jawaban", en="Answers"),
    "outcome": Text(id="Hasil", en="Outcome"),
    "cites": Text(id="Klausul dan asumsi", en="Clauses and assumptions"),
    "rule4": Text(
        id="Klausul 4 berlaku untuk semua SOP: Pelanggan tidak diarahkan ke Unit.",
        en="Clause 4 applies to every SOP: the customer is never sent to the unit.",
    ),
    "contents": Text(id="Isi", en="Contents"),
    "changed": Text(id="Yang berubah sejak versi", en="What changed since version"),
}

_STYLE: Final = """
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 2em; color: #1a1a1a; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #444; padding-bottom: .2em; }
section.sop { margin-top: 2.5em; }
blockquote { margin: .5em 0; padding: .4em .8em; background: #f4f4f4; border-left: 4px solid #999; }
table.paths { border-collapse: collapse; width: 100%; }
table.paths td, table.paths th {
  border: 1px solid #aaa; padding: .3em .5em; text-align: left; vertical-align: top;
}
.flowchart svg { max-width: 100%; height: auto; }
.cite { color: #555; font-size: .85em; } .translation { color: #444; }
li.done { list-style-type: square; } li.note { color: #555; }
pre.changed { background: #f4f4f4; padding: .6em; white-space: pre-wrap; }
@media print {
  body { margin: 0; }
  section.sop { page-break-before: always; }
  .flowchart { page-break-inside: avoid; }
  tr { page-break-inside: avoid; }
}
"""


def _e(text: str) -> str:
    return html.escape(text, quote=True)


def _section(sop: SopSpec, lang: Lang, since: SopSpec | None = None) -> str:
    h = {k: v.in_(lang) for k, v in _HEADINGS.items()}
    parts = [f'<section class="sop" id="{_e(sop.sop_id)}">']
    parts.append(
        f'<h2>{_e(sop.title.in_(lang))}</h2><p class="cite">{_e(sop.sop_id)} · '
        f"{_e(sop.clause)} · {_e(sop.version)} · {_e(sop.source)}</p>"
    )
    if sop.scope is not None:
        parts.append(f"<p><b>{_e(SCOPE_WORD.in_(lang))}:</b> {_e(sop.scope.in_(lang))}</p>")
    parts.append(f"<h3>{_e(CLAUSE_TEXT_WORD.in_(lang))}</h3>")
    for ref, text in clause_texts(sop):
        parts.append(f'<blockquote lang="id"><b>{_e(ref)}</b> {_e(text.id)}')
        if lang == "en":
            # A translation, labelled as one: only the Indonesian is the document's.
            parts.append(
                f'<br><span class="translation" lang="en"><i>{_e(TRANSLATION_WORD.en)}:</i> '
                f"{_e(text.en)}</span>"
            )
        parts.append("</blockquote>")
    used = sorted(
        {
            per.name: per.info or ASSUMPTIONS[per.name]  # a SOP file may bring its own
            for per in [*(s.per for s in sop.steps), *(b.per for b in sop.branches)]
            + [sc.per for s in sop.steps for sc in s.says]
            if isinstance(per, Assumption)
        }.items()
    )
    if used:
        parts.append(f"<h3>{h['assumptions']}</h3><ul>")
        parts += [f"<li><b>A:{_e(n)}</b> {_e(info.decision.in_(lang))}</li>" for n, info in used]
        parts.append("</ul>")
    parts.append(f'<h3>{h["flowchart"]}</h3><div class="flowchart">{inline_svg(sop, lang)}</div>')
    parts.append(f"<h3>{h['scripts']}</h3><ol>")
    # Each text once, in the order a call first meets it, under the word of its kind
    # (a note is never shown as something to say), with the steps that carry it.
    said_at: dict[tuple[str, str, str], list[str]] = {}
    # A front door lists its own texts; those of the SOPs it continues into have their own
    # sections.
    for step in (s for s in sop.steps if part_of(s.id) is None):
        for script in step.says:
            word = KIND_WORDS[script.kind].in_(lang)
            shown = f"<b>{_e(word)}:</b> {_e(script.text.in_(lang))}"
            if script.kind is ScriptKind.NOTE:
                shown = f"<i>{shown}</i>"
            key = (script.kind.value, shown, script.per.label)
            said_at.setdefault(key, []).append(step.id)
        if step.asks is not None:
            asked = f"<b>{WORDS['ask'].in_(lang)}:</b> {_e(step.asks.prompt.in_(lang))}"
            cite = step.per.label if step.per else "?"
            said_at.setdefault(("ask", asked, cite), []).append(step.asks.id)
    for (kind, shown, cite), where in said_at.items():
        parts.append(
            f'<li class="{kind}">{shown} '
            f'<span class="cite">[{_e(cite)}] {_e(", ".join(where))}</span></li>'
        )
    parts.append("</ol>")
    report = audit(sop)
    parts.append(
        f'<h3>{h["paths"]} ({report.path_count})</h3><table class="paths"><tr>'
        f"<th>{h['answers']}</th><th>{h['outcome']}</th><th>{h['cites']}</th></tr>"
    )
    for row in report.paths or ():
        answers = "<br>".join(f"{_e(q)} = {_e(a)}" for q, a in row.answers)
        parts.append(
            f"<tr><td>{answers}</td><td><b>{_e(row.outcome)}</b></td>"
            f"<td>{_e(', '.join(row.cites))}</td></tr>"
        )
    parts.append("</table>")
    if since is not None and since.version != sop.version:
        # For trainers: the diff, path by path, against the version they trained on.
        parts.append(
            f"<h3>{h['changed']} {_e(since.version)}</h3>"
            f'<pre class="changed">{_e(format_diff(diff_sops(since, sop)))}</pre>'
        )
    parts.append("</section>")
    return "\n".join(parts)


def booklet_html(
    sops: Sequence[SopSpec], lang: Lang = "id", since: Mapping[str, SopSpec] | None = None
) -> str:
    """The booklet of ``sops`` in ``lang``, as one HTML document; for each SOP with an
    earlier version in ``since`` (by SOP id), what changed since it."""
    h = {k: v.in_(lang) for k, v in _HEADINGS.items()}
    contents = "".join(
        f'<li><a href="#{_e(s.sop_id)}">{_e(s.clause)} — {_e(s.title.in_(lang))}</a></li>'
        for s in sops
    )
    earlier = since or {}
    body = "\n".join(_section(sop, lang, earlier.get(sop.sop_id)) for sop in sops)
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{h['title']}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n"
        f"<h1>{h['title']}</h1>\n<p>{_e(SOURCE_TITLE.in_(lang))}</p>\n<p>{h['rule4']}</p>\n"
        f"<h2>{h['contents']}</h2><ol>{contents}</ol>\n{body}\n</body>\n</html>\n"
    )
