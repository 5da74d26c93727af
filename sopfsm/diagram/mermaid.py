"""A chart as Mermaid, for documentation that renders Mermaid."""

from __future__ import annotations

import html

from sopfsm.declare import KIND_WORDS, Script, ScriptKind
from sopfsm.diagram.extract import chart_of, cite
from sopfsm.diagram.model import Chart
from sopfsm.diagram.words import CHANGED_COLOUR as CHANGED
from sopfsm.diagram.words import CURRENT_COLOUR as CURRENT
from sopfsm.diagram.words import OUTCOME_FILLS, WORDS
from sopfsm.diagram.words import PATH_COLOUR as PATH
from sopfsm.model import SopSpec
from sopfsm.text import Lang


def to_mermaid(chart: Chart | SopSpec, lang: Lang = "id") -> str:
    """The flowchart as Mermaid (a SOP is drawn as :func:`chart_of` models it in ``lang``)."""
    if isinstance(chart, SopSpec):
        chart = chart_of(chart, lang)
    sop, lang = chart.sop, chart.lang
    lines = [
        "---",
        f"title: {sop.title.in_(lang)} ({WORDS['clause'].in_(lang)} {sop.clause}, "
        f"{WORDS['version'].in_(lang)} {sop.version})",
        "---",
        "flowchart TD",
    ]
    for node in chart.nodes:
        step = node.step
        if node.kind == "part":
            assert node.part is not None
            lines.append(
                f'    {node.id}[["{WORDS["part"].in_(lang)} {node.part.sop_id}<br/>'
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
            text = f"<b>{WORDS['ask'].in_(lang)} [{cite(step.per)}]: {prompt}</b>"
            if node.remembers:
                remembers = _mermaid("; ".join(node.remembers))
                text += f"<br/><i>{WORDS['remembers'].in_(lang)}: {remembers}</i>"
            lines.append(f'    {node.id}{{"{text}"}}')
        else:
            says = "".join(_mermaid_script(s, lang) for s in step.says)
            text = f"{says}<b>{step.outcome}</b> [{cite(step.per)}]"
            lines.append(f'    {node.id}(["{text}"])')
            lines.append(f"    class {node.id} {str(step.outcome).lower()}")
    for edge in chart.edges:
        if edge.branch is None:
            lines.append(f"    {edge.source} --- {edge.target}")
            continue
        arrow = "-.->" if edge.dashed else "-->"
        lines.append(f'    {edge.source} {arrow}|"{_mermaid(edge.label)}"| {edge.target}')
    for question, ids in chart.groups.items():
        lines.append(f'    subgraph {question}_group["{question}: {WORDS["group"].in_(lang)}"]')
        lines += [f"        {node_id}" for node_id in ids]
        lines.append("    end")
    lines += [f"    classDef {code.lower()} fill:{fill}" for code, fill in OUTCOME_FILLS.items()]
    lines += _marks(chart)
    return "\n".join(lines) + "\n"


def _mermaid_script(script: Script, lang: Lang) -> str:
    word = KIND_WORDS[script.kind].in_(lang)
    text = f"{word} [{cite(script.per)}]: {_mermaid(script.text.in_(lang))}"
    return f"<i>{text}</i><br/>" if script.kind is ScriptKind.NOTE else f"{text}<br/>"


def _mermaid(text: str) -> str:
    return html.escape(text, quote=True).replace("&quot;", "#quot;")


def _marks(chart: Chart) -> list[str]:
    """A call's path and current step, and what a version changed, as Mermaid classes."""
    marks: list[str] = []
    if chart.visited:
        marks.append(f"    classDef visited stroke:{PATH},stroke-width:3px")
        marks.append(f"    class {','.join(dict.fromkeys(chart.visited))} visited")
    changed = [n.id for n in chart.nodes if n.changed]
    if changed:
        marks.append(f"    classDef changed stroke:{CHANGED},stroke-width:5px")
        marks.append(f"    class {','.join(changed)} changed")
    styled = [str(n) for n, e in enumerate(chart.edges) if e.changed]
    if styled:
        marks.append(f"    linkStyle {','.join(styled)} stroke:{CHANGED},stroke-width:4px")
    if chart.current is not None:
        marks.append(f"    classDef current stroke:{CURRENT},stroke-width:5px")
        marks.append(f"    class {chart.current} current")
    return marks
