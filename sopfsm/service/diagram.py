"""A SOP's flowchart with one call's way through it: the steps it visited and the
branches it took drawn heavier, its current step framed.

The flowchart is :func:`sopfsm.render.to_dot`'s; the highlight is added to that graph
here, before layout, so render.py draws SOPs and knows nothing of calls.
"""

from __future__ import annotations

import functools
import itertools

from sopfsm.call import Call
from sopfsm.errors import MissingDependency
from sopfsm.model import SopSpec
from sopfsm.render import render, to_dot
from sopfsm.text import Lang

PATH_COLOUR = "#1F5FBF"
CURRENT_COLOUR = "#D62828"


@functools.lru_cache(maxsize=32)
def _plain(sop: SopSpec, lang: Lang) -> bytes:
    return render(sop, "svg", lang)


def call_diagram(sop: SopSpec, lang: Lang, call: Call | None) -> bytes:
    """The SVG flowchart of ``sop`` in ``lang``, with ``call``'s path if one is given."""
    if call is None:
        return _plain(sop, lang)
    try:
        import pygraphviz
    except ImportError:  # pragma: no cover - the render extra is missing
        raise MissingDependency("pygraphviz", "render") from None
    graph = pygraphviz.AGraph(string=to_dot(sop, lang))
    path = [step for step in call.path if graph.has_node(step)]  # nodes are named by step
    for step in path:
        node = graph.get_node(step)
        node.attr.update(shape="box", style="rounded", color=PATH_COLOUR, penwidth="2")
    if graph.has_node(call.step.id):
        current = graph.get_node(call.step.id)
        current.attr.update(shape="box", style="rounded,bold", color=CURRENT_COLOUR, penwidth="4")
    for source, target in itertools.pairwise(path):
        for edge in graph.out_edges(source):
            if edge[1] == target:
                edge.attr.update(color=PATH_COLOUR, penwidth="3")
    drawn: bytes = graph.draw(format="svg", prog="dot")
    return drawn
