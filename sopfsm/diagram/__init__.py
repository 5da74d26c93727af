"""Flowcharts of SOPs, and of a call's way through one.

As python-statemachine's ``contrib/diagram``: extraction (:func:`chart_of`, a SOP and
optionally a call's path and current step) gives a model (:class:`Chart`); renderers draw
the model alone: DOT, SVG/PNG/PDF (:func:`render`), Mermaid (:func:`to_mermaid`) and the
training booklet (:func:`booklet_html`). The CLI, the service and QA's report use these
names only.
"""

from __future__ import annotations

from sopfsm.diagram.booklet import booklet_html
from sopfsm.diagram.dot import render, render_files, to_dot
from sopfsm.diagram.extract import call_chart, chart_of, charted_sops
from sopfsm.diagram.mermaid import to_mermaid
from sopfsm.diagram.model import Chart, ChartEdge, ChartNode
from sopfsm.diagram.words import (
    CURRENT_COLOUR,
    DIAGRAM_FORMATS,
    FORMATS,
    MEANINGS,
    PATH_COLOUR,
    SUFFIXES,
)

__all__ = [
    "CURRENT_COLOUR",
    "DIAGRAM_FORMATS",
    "FORMATS",
    "MEANINGS",
    "PATH_COLOUR",
    "SUFFIXES",
    "Chart",
    "ChartEdge",
    "ChartNode",
    "booklet_html",
    "call_chart",
    "chart_of",
    "charted_sops",
    "render",
    "render_files",
    "to_dot",
    "to_mermaid",
]
