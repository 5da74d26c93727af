"""Flowcharts of the SOP machines as DOT, and laid out as SVG, PNG or PDF.

The DOT text is built from the chart model with the ``graphviz`` package (which writes
source without a binary) and laid out by pygraphviz, whose wheels bundle the Graphviz
engine, so rendering needs pip alone. Both are imported only when a chart is drawn:
``import sopfsm`` stays light.

One node per step, one edge per branch, nothing else: the title and legend live in the
graph's own label. Questions are yellow decision boxes topped by what the CSO says there;
outcomes are coloured by code; edges carry the answer and the clause, and an edge that
rests on an assumption is dashed and names it. A call's way is drawn heavier in blue, its
current step framed in red; on the charts of a diff, what changed heavier in magenta.
"""

from __future__ import annotations

import functools
import html
import re
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sopfsm.declare import KIND_WORDS, Script, ScriptKind
from sopfsm.diagram.extract import chart_of, cite
from sopfsm.diagram.mermaid import to_mermaid
from sopfsm.diagram.model import Chart, ChartNode
from sopfsm.diagram.words import (
    CHANGED_COLOUR,
    CURRENT_COLOUR,
    DIAGRAM_FORMATS,
    FONT,
    FORMATS,
    GROUP_COLOR,
    KIND_STYLES,
    MEANINGS,
    OUTCOME_FILLS,
    PART_FILL,
    PATH_COLOUR,
    QUESTION_FILL,
    QUESTION_WRAP,
    SUFFIXES,
    UNKNOWN_FILL,
    WORDS,
    WRAP,
)
from sopfsm.errors import MissingDependency
from sopfsm.model import SopSpec, StepSpec
from sopfsm.text import Lang
from sopfsm.views import SCOPE_WORD


def _lines(text: str, width: int = WRAP) -> str:
    """Escaped lines wrapped at ``width``, for a cell whose BALIGN sets their alignment."""
    # Never inside a word: a web address split across lines cannot be typed from the chart.
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<BR/>".join(html.escape(line) for line in lines or [""])


def _script_rows(scripts: Sequence[Script], lang: Lang) -> str:
    rows = []
    for s in scripts:
        fill, mark = KIND_STYLES[s.kind]
        word = KIND_WORDS[s.kind].in_(lang)
        text = _lines(s.text.in_(lang))
        if s.kind is ScriptKind.NOTE:
            text = f'<FONT COLOR="#555555"><I>{text}</I></FONT>'
        head = f"<I>{mark} {word} [{html.escape(cite(s.per))}]:</I>"
        rows.append(_rows(fill, head, text, align="LEFT"))
    return "".join(rows)


def _question_label(node: ChartNode, lang: Lang) -> str:
    step = node.step
    assert step is not None
    assert step.asks is not None
    ask = WORDS["ask"].in_(lang)
    lines = [
        f"<B>&#9670; {ask} [{html.escape(cite(step.per))}]</B>",
        f"<B>{_lines(step.asks.prompt.in_(lang), QUESTION_WRAP)}</B>",
        f'<FONT POINT-SIZE="9">{html.escape(step.asks.id)} · {html.escape(step.id)}</FONT>',
    ]
    if node.remembers:
        remembers = html.escape("; ".join(node.remembers))
        lines.append(f"<I>{WORDS['remembers'].in_(lang)}: {remembers}</I>")
    return "<" + "<BR/>".join(lines) + ">"


def _part_label(part: SopSpec, lang: Lang) -> str:
    sop_id = part.sop_id
    return _table(
        _rows(
            PART_FILL,
            f"<B>&#9654;&#9654; {WORDS['part'].in_(lang)} {html.escape(sop_id)}</B>",
            f"{WORDS['clause'].in_(lang)} {html.escape(part.clause)}: "
            f"{_lines(part.title.in_(lang))}",
            f'<FONT POINT-SIZE="9">{WORDS["see"].in_(lang)}: {html.escape(sop_id)}</FONT>',
        )
    )


def _rows(fill: str, *cells: str, align: str = "CENTER") -> str:
    return "".join(
        f'<TR><TD ALIGN="{align}" BALIGN="{align}" BGCOLOR="{fill}">{cell}</TD></TR>'
        for cell in cells
    )


def _outcome_label(step: StepSpec, lang: Lang) -> str:
    # Rounded: a terminal, never to be taken for a decision or for the texts before one.
    code = str(step.outcome)
    meaning = MEANINGS.get(code)
    cells = [f"<B>{html.escape(code)}</B> [{html.escape(cite(step.per))}]"]
    if meaning is not None:
        cells.append(html.escape(meaning.in_(lang)))
    if step.carries:
        carried = html.escape(", ".join(step.carries))
        cells.append(f'<FONT POINT-SIZE="9">{WORDS["carries"].in_(lang)}: {carried}</FONT>')
    cells.append(f'<FONT POINT-SIZE="9">{html.escape(step.id)}</FONT>')
    fill = OUTCOME_FILLS.get(code, UNKNOWN_FILL)
    return _table(_script_rows(step.says, lang) + _rows(fill, *cells), rounded=True)


def _table(rows: str, rounded: bool = False) -> str:
    style = ' STYLE="ROUNDED"' if rounded else ""
    return (
        f'<<TABLE BORDER="1" CELLBORDER="0" CELLSPACING="0" CELLPADDING="4"{style}>{rows}</TABLE>>'
    )


def _title_label(chart: Chart) -> str:
    sop, lang = chart.sop, chart.lang
    word = {k: v.in_(lang) for k, v in WORDS.items()}
    # The legend names only what this chart draws.
    legend = [f"<TD><I>{word['legend']}:</I></TD>"]
    if "question" in chart.kinds:
        legend.append(f'<TD BGCOLOR="{QUESTION_FILL}">&#9670; {word["question"]}</TD>')
    kinds = {
        script.kind for node in chart.nodes if node.step is not None for script in node.step.says
    }
    legend += [
        f'<TD BGCOLOR="{fill}">{mark} {KIND_WORDS[kind].in_(lang)}</TD>'
        for kind, (fill, mark) in KIND_STYLES.items()
        if kind in kinds
    ]
    codes = {str(n.step.outcome) for n in chart.nodes if n.kind == "outcome" and n.step}
    legend += [
        f'<TD BGCOLOR="{fill}" STYLE="ROUNDED" BORDER="1">{html.escape(code)}</TD>'
        for code, fill in OUTCOME_FILLS.items()
        if code in codes
    ]
    legend += [
        f'<TD BGCOLOR="{UNKNOWN_FILL}" STYLE="ROUNDED" BORDER="1">{html.escape(code)}</TD>'
        for code in sorted(codes - set(OUTCOME_FILLS))
    ]
    if "part" in chart.kinds:
        legend.append(f'<TD BGCOLOR="{PART_FILL}">&#9654;&#9654; {word["part"]}</TD>')
    notes = [
        html.escape(word[name])
        for name, dashed in (("solid", False), ("dashed", True))
        if dashed in {e.dashed for e in chart.edges if e.branch is not None}
    ]
    if chart.groups:
        notes.append(f'<FONT COLOR="{GROUP_COLOR}">&#9553; {html.escape(word["group"])}</FONT>')
    if chart.changes:
        notes.append(f'<FONT COLOR="{CHANGED_COLOUR}"><B>{html.escape(word["changed"])}</B></FONT>')
    span = f'COLSPAN="{len(legend)}"'
    scope = (
        f"<TR><TD {span}><I>{html.escape(SCOPE_WORD.in_(lang))}:</I> "
        f"{html.escape(sop.scope.in_(lang))}</TD></TR>"
        if sop.scope is not None
        else ""
    )
    return (
        '<<TABLE BORDER="0" CELLSPACING="4" CELLPADDING="3">'
        f'<TR><TD {span}><FONT POINT-SIZE="16"><B>{html.escape(sop.title.in_(lang))}</B>'
        f"</FONT></TD></TR>"
        f"<TR><TD {span}>{word['clause']} {html.escape(sop.clause)} · "
        f"{word['version']} {html.escape(sop.version)} · {word['source']}: "
        f"{html.escape(sop.source)} · {html.escape(sop.sop_id)}</TD></TR>{scope}"
        f"<TR>{''.join(legend)}</TR><TR><TD {span}>{' — '.join(notes)}</TD></TR></TABLE>>"
    )


def _node_attrs(node: ChartNode, lang: Lang) -> dict[str, str]:
    if node.kind == "question":
        return {
            "label": _question_label(node, lang),
            "shape": "diamond",
            "style": "filled",
            "fillcolor": QUESTION_FILL,
            "margin": "0.02",
        }
    if node.kind == "part":
        assert node.part is not None
        return {"label": _part_label(node.part, lang)}
    assert node.step is not None
    if node.kind == "says":
        return {"label": _table(_script_rows(node.step.says, lang))}
    return {"label": _outcome_label(node.step, lang)}


def _highlight(node: ChartNode, chart: Chart) -> dict[str, str]:
    if node.id == chart.current:
        colour, width = CURRENT_COLOUR, "5"
    elif node.id in chart.visited:
        colour, width = PATH_COLOUR, "4"
    elif node.changed:
        colour, width = CHANGED_COLOUR, "5"
    else:
        return {}
    # A plain node is its label's table alone: give it an outline to colour.
    outline = {} if node.kind == "question" else {"shape": "box", "style": "rounded", "margin": "0"}
    return {**outline, "color": colour, "penwidth": width}


def to_dot(chart: Chart | SopSpec, lang: Lang = "id") -> str:
    """The flowchart as DOT text: the same bytes for the same chart, every run (a SOP is
    drawn as :func:`chart_of` models it in ``lang``)."""
    if isinstance(chart, SopSpec):
        chart = chart_of(chart, lang)
    try:
        import graphviz
    except ImportError:  # pragma: no cover - the render extra is missing
        raise MissingDependency("graphviz", "render") from None
    lang = chart.lang
    graph = graphviz.Digraph(
        name=chart.sop.sop_id.replace("-", "_"),
        graph_attr={
            "labelloc": "t",
            "fontname": FONT,
            "rankdir": "TB",
            "nodesep": "0.5",
            "ranksep": "0.55",
            "bgcolor": "white",
            "pad": "0.3",
        },
        node_attr={"shape": "plain", "fontname": FONT, "fontsize": "11"},
        edge_attr={"fontname": FONT, "fontsize": "10", "color": "#444444"},
    )
    graph.graph_attr["label"] = _title_label(chart)
    if chart.parts:  # a front door fans out to every matter: left to right reads better
        graph.graph_attr["rankdir"] = "LR"
    grouped = {node_id: q for q, ids in chart.groups.items() for node_id in ids}
    clusters: dict[str, Any] = {}
    for node in chart.nodes:
        target = graph
        question = grouped.get(node.step.id if node.step else "")
        if question is not None:
            if question not in clusters:
                clusters[question] = graphviz.Digraph(
                    name=f"cluster_{question}",
                    graph_attr={
                        "label": f"&#9553; {html.escape(question)}",
                        "style": "dashed,rounded",
                        "color": GROUP_COLOR,
                        "fontcolor": GROUP_COLOR,
                        "labeljust": "l",
                    },
                )
            target = clusters[question]
        target.node(node.id, **_node_attrs(node, lang), **_highlight(node, chart))
    for cluster in clusters.values():
        graph.subgraph(cluster)
    walked = chart.walked
    for edge in chart.edges:
        on_path = (
            {"color": PATH_COLOUR, "fontcolor": PATH_COLOUR, "penwidth": "3.5"}
            if (edge.source, edge.target) in walked
            else {"color": CHANGED_COLOUR, "fontcolor": CHANGED_COLOUR, "penwidth": "3.5"}
            if edge.changed
            else {}
        )
        if edge.branch is None:
            graph.edge(edge.source, edge.target, arrowhead="none", style="solid", **on_path)
            continue
        graph.edge(
            edge.source,
            edge.target,
            label=" " + edge.label + " ",
            style="dashed" if edge.dashed else "solid",
            **on_path,
        )
    return str(graph.source)


def render(chart: Chart | SopSpec, fmt: str = "svg", lang: Lang = "id") -> bytes:
    """The flowchart in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "mermaid":
        return to_mermaid(chart, lang).encode()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    dot = to_dot(chart, lang)
    return dot.encode() if fmt == "dot" else _laid_out(dot, fmt)


def inline_svg(chart: Chart | SopSpec, lang: Lang = "id") -> str:
    """The chart as SVG to put inside an HTML page: without the XML prolog, DOCTYPE and
    comments (the DOCTYPE points at w3.org; inline SVG needs none of them)."""
    svg = render(chart, "svg", lang).decode()
    svg = svg[svg.index("<svg") :]
    return re.sub(r"<!--.*?-->\n?", "", svg, flags=re.DOTALL)


@functools.lru_cache(maxsize=32)  # the call screen asks for the same chart again and again
def _laid_out(dot: str, fmt: str) -> bytes:
    try:
        import pygraphviz
    except ImportError:  # pragma: no cover - the render extra is missing
        raise MissingDependency("pygraphviz", "render") from None
    drawn: bytes = pygraphviz.AGraph(string=dot).draw(format=fmt, prog="dot")
    return drawn


def render_files(
    sops: Iterable[SopSpec], out: Path, formats: Sequence[str] = DIAGRAM_FORMATS, lang: Lang = "id"
) -> list[Path]:
    """Write each SOP's flowchart in each format to ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sop in sops:
        chart = chart_of(sop, lang)
        for fmt in formats:
            path = out / f"{sop.sop_id}{SUFFIXES[fmt]}"
            path.write_bytes(render(chart, fmt, lang))
            written.append(path)
    return written
