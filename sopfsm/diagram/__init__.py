"""Flowcharts of SOPs, and of a call's way through one.

As python-statemachine's ``contrib/diagram``: extraction (:func:`chart_of`, a SOP and
optionally a call's path and current step) gives a model (:class:`Chart`); renderers draw
the model alone: DOT, SVG/PNG/PDF (:func:`render`), Mermaid (:func:`to_mermaid`), the
training booklet (:func:`booklet_html`) and the page of what changed between two versions
(:func:`diff_html`, on the charts :func:`diff_charts` marks). The CLI, the service and
QA's report use these names only.
"""

from __future__ import annotations

from sopfsm.diagram.booklet import booklet_html
from sopfsm.diagram.changes import diff_charts
from sopfsm.diagram.diff_page import diff_html
from sopfsm.diagram.dot import render, render_files, to_dot
from sopfsm.diagram.extract import call_chart, chart_of, charted_sops
from sopfsm.diagram.mermaid import to_mermaid
from sopfsm.diagram.model import Chart, ChartEdge, ChartNode
from sopfsm.diagram.words import (
    CHANGED_COLOUR,
    CURRENT_COLOUR,
    DIAGRAM_FORMATS,
    FORMATS,
    MEANINGS,
    PATH_COLOUR,
    SUFFIXES,
)

__all__ = [
    "CHANGED_COLOUR",
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
    "diff_charts",
    "diff_html",
    "render",
    "render_files",
    "to_dot",
    "to_mermaid",
]
