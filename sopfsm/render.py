"""Flowcharts of the SOP machines, for trainers and reviewers.

The DOT text is built from the machine's own steps and branches with the ``graphviz``
package (which writes source without a binary) and laid out by pygraphviz, whose wheels
bundle the Graphviz engine, so rendering needs pip alone. Both are imported only here,
and only when a diagram is drawn: ``import sopfsm`` stays light.

One node per step, one edge per branch, nothing else: the title and legend live in the
graph's own label. Questions are yellow decision boxes topped by what the CSO says there;
outcomes are coloured by code; edges carry the answer and the clause, and an edge that
rests on an assumption is dashed and names it.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final

from sopfsm._flow import Flow, FlowNode, flow_of
from sopfsm.declare import KIND_WORDS, REGULAR_SOP, Script, ScriptKind
from sopfsm.errors import MissingDependency
from sopfsm.model import BranchSpec, SopSpec, StepSpec
from sopfsm.provenance import Assumption, Provenance
from sopfsm.text import Lang, Text
from sopfsm.views import SCOPE_WORD, branch_label

FORMATS: Final = ("dot", "svg", "png", "pdf", "mermaid")
SUFFIXES: Final = {"dot": ".dot", "svg": ".svg", "png": ".png", "pdf": ".pdf", "mermaid": ".mmd"}
DIAGRAM_FORMATS: Final = ("dot", "svg", "png", "mermaid")  # what diagrams/ holds

FONT: Final = "DejaVu Sans"  # shipped with Debian's fonts-dejavu-core; every glyph we use
WRAP: Final = 46
QUESTION_WRAP: Final = 30  # a decision is drawn as a diamond: narrower lines keep it compact
QUESTION_FILL: Final = "#FFF3C4"
# Each kind of script has its own fill and mark, so a note never reads as a line to say.
KIND_STYLES: Final = {
    ScriptKind.SAID: ("#EEF3FB", "&#9654;"),  # ▶ said to the customer
    ScriptKind.DONE: ("#E4E4E4", "&#9881;"),  # ⚙ done in an application
    ScriptKind.NOTE: ("#FFFFFF", "&#9998;"),  # ✎ a note, never read out
}
OUTCOME_FILLS: Final = {
    "APKT_TO_UNIT": "#FFD9B3",
    "APKT_ISSUE_CLOSED": "#C8EFCB",
    "PS_SCHEME_1": "#C7DBFF",
    "PS_SCHEME_2": "#DCCBFF",
    REGULAR_SOP: "#DDDDDD",  # the hand-off: outside the update, grey
}
UNKNOWN_FILL: Final = "#FF9A9A"  # an outcome outside the closed set stands out

WORDS: Final = {
    "ask": Text(id="Tanyakan", en="Ask"),
    "clause": Text(id="Klausul", en="Clause"),
    "version": Text(id="versi", en="version"),
    "source": Text(id="sumber", en="source"),
    "carries": Text(id="membawa", en="carries"),
    "legend": Text(id="Keterangan", en="Legend"),
    "question": Text(id="pertanyaan (keputusan)", en="question (decision)"),
    "solid": Text(id="garis: sesuai klausul", en="solid: per clause"),
    "dashed": Text(
        id="putus-putus: cabang ini bertumpu pada asumsi (A:…)",
        en="dashed: the branch itself rests on an assumption (A:…)",
    ),
    "part": Text(id="lanjut ke SOP", en="continues into SOP"),
    "see": Text(id="lihat diagramnya sendiri", en="see its own chart"),
    "remembers": Text(id="mengingat", en="remembers"),
    "group": Text(
        id="satu pertanyaan, diajukan sekali per panggilan; tiap kotak mengingat jawaban "
        "sebelumnya",
        en="one question, put once per call; each box remembers an earlier answer",
    ),
    "outcome": Text(id="hasil", en="outcome"),
}
PART_FILL: Final = "#F2F2F2"
GROUP_COLOR: Final = "#8A6D00"
MEANINGS: Final = {
    "APKT_TO_UNIT": Text(id="Dikirim ke Unit via APKT", en="Sent to the unit via APKT"),
    "APKT_ISSUE_CLOSED": Text(id="Ditutup di CC (APKT ISSUE CLOSED)", en="Closed at the CC"),
    "PS_SCHEME_1": Text(id="PS diproses skema 1", en="PS processed, scheme 1"),
    "PS_SCHEME_2": Text(id="PS diproses skema 2", en="PS processed, scheme 2"),
    # The clause's own steps do not apply, but clause 4 does (READING.md, round 3); the
    # call screen shows these words too.
    REGULAR_SOP: Text(
        id="Ikuti SOP reguler untuk langkahnya; klausul 4 tetap berlaku (Pelanggan tidak "
        "diarahkan ke Unit)",
        en="Follow the regular SOP for its steps; clause 4 still applies (the customer is not "
        "sent to the unit)",
    ),
}


def _lines(text: str, width: int = WRAP) -> str:
    """Escaped lines wrapped at ``width``, for a cell whose BALIGN sets their alignment."""
    # Never inside a word: a web address split across lines cannot be typed from the chart.
    lines = textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)
    return "<BR/>".join(html.escape(line) for line in lines or [""])


def _cite(per: Provenance | None) -> str:
    return per.label if per is not None else "?"


def _script_rows(scripts: Sequence[Script], lang: Lang) -> str:
    rows = []
    for s in scripts:
        fill, mark = KIND_STYLES[s.kind]
        word = KIND_WORDS[s.kind].in_(lang)
        text = _lines(s.text.in_(lang))
        if s.kind is ScriptKind.NOTE:
            text = f'<FONT COLOR="#555555"><I>{text}</I></FONT>'
        head = f"<I>{mark} {word} [{html.escape(_cite(s.per))}]:</I>"
        rows.append(_rows(fill, head, text, align="LEFT"))
    return "".join(rows)


def _question_label(node: FlowNode, lang: Lang) -> str:
    step = node.step
    assert step is not None
    assert step.asks is not None
    ask = WORDS["ask"].in_(lang)
    lines = [
        f"<B>&#9670; {ask} [{html.escape(_cite(step.per))}]</B>",
        f"<B>{_lines(step.asks.prompt.in_(lang), QUESTION_WRAP)}</B>",
        f'<FONT POINT-SIZE="9">{html.escape(step.asks.id)} · {html.escape(step.id)}</FONT>',
    ]
    if node.remembers:
        remembers = html.escape("; ".join(node.remembers))
        lines.append(f"<I>{WORDS['remembers'].in_(lang)}: {remembers}</I>")
    return "<" + "<BR/>".join(lines) + ">"


def _part_label(sop_id: str, lang: Lang) -> str:
    from sopfsm.catalogue import get_sop

    part = get_sop(sop_id)
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
    cells = [f"<B>{html.escape(code)}</B> [{html.escape(_cite(step.per))}]"]
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


def _title_label(sop: SopSpec, flow: Flow, lang: Lang) -> str:
    word = {k: v.in_(lang) for k, v in WORDS.items()}
    # The legend names only what this chart draws.
    legend = [f"<TD><I>{word['legend']}:</I></TD>"]
    if "question" in flow.kinds:
        legend.append(f'<TD BGCOLOR="{QUESTION_FILL}">&#9670; {word["question"]}</TD>')
    kinds = {
        script.kind for node in flow.nodes if node.step is not None for script in node.step.says
    }
    legend += [
        f'<TD BGCOLOR="{fill}">{mark} {KIND_WORDS[kind].in_(lang)}</TD>'
        for kind, (fill, mark) in KIND_STYLES.items()
        if kind in kinds
    ]
    codes = {str(n.step.outcome) for n in flow.nodes if n.kind == "outcome" and n.step}
    legend += [
        f'<TD BGCOLOR="{fill}" STYLE="ROUNDED" BORDER="1">{html.escape(code)}</TD>'
        for code, fill in OUTCOME_FILLS.items()
        if code in codes
    ]
    legend += [
        f'<TD BGCOLOR="{UNKNOWN_FILL}" STYLE="ROUNDED" BORDER="1">{html.escape(code)}</TD>'
        for code in sorted(codes - set(OUTCOME_FILLS))
    ]
    if "part" in flow.kinds:
        legend.append(f'<TD BGCOLOR="{PART_FILL}">&#9654;&#9654; {word["part"]}</TD>')
    notes = [
        html.escape(word[name])
        for name, dashed in (("solid", False), ("dashed", True))
        if dashed in {_is_dashed(e.branch) for e in flow.edges if e.branch is not None}
    ]
    if flow.groups:
        notes.append(f'<FONT COLOR="{GROUP_COLOR}">&#9553; {html.escape(word["group"])}</FONT>')
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


def _is_dashed(branch: BranchSpec | None) -> bool:
    if branch is None:  # a step's texts into its own question: no branch at all
        return False
    return isinstance(branch.per, Assumption) or branch.per is None


def edge_label(sop: SopSpec, branch: BranchSpec, lang: Lang) -> str:
    """The answer that takes ``branch`` and the clause or assumption it cites."""
    question = sop.step(branch.source).asks
    answer = branch_label(question, branch.branch, lang) if question else "?"
    return f"{answer} · {_cite(branch.per)}"


def _node_attrs(node: FlowNode, lang: Lang) -> dict[str, str]:
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


def to_dot(sop: SopSpec, lang: Lang = "id") -> str:
    """The flowchart of ``sop`` as DOT text: the same bytes for the same SOP, every run."""
    try:
        import graphviz
    except ImportError:  # pragma: no cover - the render extra is missing
        raise MissingDependency("graphviz", "render") from None
    graph = graphviz.Digraph(
        name=sop.sop_id.replace("-", "_"),
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
    flow = flow_of(sop, lang)
    graph.graph_attr["label"] = _title_label(sop, flow, lang)
    if flow.parts:  # a front door fans out to every matter: left to right reads better
        graph.graph_attr["rankdir"] = "LR"
    grouped = {node_id: q for q, ids in flow.groups.items() for node_id in ids}
    clusters: dict[str, Any] = {}
    for node in flow.nodes:
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
        target.node(node.id, **_node_attrs(node, lang))
    for cluster in clusters.values():
        graph.subgraph(cluster)
    for edge in flow.edges:
        if edge.branch is None:
            graph.edge(edge.source, edge.target, arrowhead="none", style="solid")
            continue
        graph.edge(
            edge.source,
            edge.target,
            label=" " + edge_label(sop, edge.branch, lang) + " ",
            style="dashed" if _is_dashed(edge.branch) else "solid",
        )
    return str(graph.source)


def to_mermaid(sop: SopSpec, lang: Lang = "id") -> str:
    """The flowchart as Mermaid, for documentation that renders Mermaid."""
    lines = [
        "---",
        f"title: {sop.title.in_(lang)} ({WORDS['clause'].in_(lang)} {sop.clause}, "
        f"{WORDS['version'].in_(lang)} {sop.version})",
        "---",
        "flowchart TD",
    ]
    flow = flow_of(sop, lang)
    for node in flow.nodes:
        step = node.step
        if node.kind == "part":
            assert node.part is not None
            lines.append(
                f'    {node.id}[["{WORDS["part"].in_(lang)} {node.part}<br/>'
                f'{WORDS["see"].in_(lang)}"]]'
            )
            continue
        assert step is not None
        if node.kind == "says":
            says = "".join(_mermaid_script(s, lang) for s in step.says)
            lines.append(f'    {node.id}["{says.removesuffix("<br/>")}"]')
        elif node.kind == "question":
            assert step.asks is not None
            prompt = _mermaid(step.asks.prompt.in_(lang))
            text = f"<b>{WORDS['ask'].in_(lang)} [{_cite(step.per)}]: {prompt}</b>"
            if node.remembers:
                remembers = _mermaid("; ".join(node.remembers))
                text += f"<br/><i>{WORDS['remembers'].in_(lang)}: {remembers}</i>"
            lines.append(f'    {node.id}{{"{text}"}}')
        else:
            says = "".join(_mermaid_script(s, lang) for s in step.says)
            text = f"{says}<b>{step.outcome}</b> [{_cite(step.per)}]"
            lines.append(f'    {node.id}(["{text}"])')
            lines.append(f"    class {node.id} {str(step.outcome).lower()}")
    for edge in flow.edges:
        if edge.branch is None:
            lines.append(f"    {edge.source} --- {edge.target}")
            continue
        arrow = "-.->" if _is_dashed(edge.branch) else "-->"
        label = _mermaid(edge_label(sop, edge.branch, lang))
        lines.append(f'    {edge.source} {arrow}|"{label}"| {edge.target}')
    for question, ids in flow.groups.items():
        lines.append(f'    subgraph {question}_group["{question}: {WORDS["group"].in_(lang)}"]')
        lines += [f"        {node_id}" for node_id in ids]
        lines.append("    end")
    lines += [f"    classDef {code.lower()} fill:{fill}" for code, fill in OUTCOME_FILLS.items()]
    return "\n".join(lines) + "\n"


def _mermaid_script(script: Script, lang: Lang) -> str:
    word = KIND_WORDS[script.kind].in_(lang)
    text = f"{word} [{_cite(script.per)}]: {_mermaid(script.text.in_(lang))}"
    return f"<i>{text}</i><br/>" if script.kind is ScriptKind.NOTE else f"{text}<br/>"


def _mermaid(text: str) -> str:
    return html.escape(text, quote=True).replace("&quot;", "#quot;")


def render(sop: SopSpec, fmt: str = "svg", lang: Lang = "id") -> bytes:
    """The flowchart of ``sop`` in ``fmt`` (one of :data:`FORMATS`)."""
    if fmt == "dot":
        return to_dot(sop, lang).encode()
    if fmt == "mermaid":
        return to_mermaid(sop, lang).encode()
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; formats: {', '.join(FORMATS)}")
    try:
        import pygraphviz
    except ImportError:  # pragma: no cover - the render extra is missing
        raise MissingDependency("pygraphviz", "render") from None
    graph = pygraphviz.AGraph(string=to_dot(sop, lang))
    drawn: bytes = graph.draw(format=fmt, prog="dot")
    return drawn


def render_files(
    sops: Iterable[SopSpec], out: Path, formats: Sequence[str] = DIAGRAM_FORMATS, lang: Lang = "id"
) -> list[Path]:
    """Write each SOP's flowchart in each format to ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for sop in sops:
        for fmt in formats:
            path = out / f"{sop.sop_id}{SUFFIXES[fmt]}"
            path.write_bytes(render(sop, fmt, lang))
            written.append(path)
    return written
