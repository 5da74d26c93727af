"""A deviation's example is drawn on its SOP's flowchart with the call's path in colour."""

from __future__ import annotations

import json
import re

import pytest

import sopfsm
from sopfsm.diagram import PATH_COLOUR, chart_of
from sopfsm.qa.read import parse_json_line
from sopfsm.qa.report import BAD_COLOUR, example_flowchart
from sopfsm.qa.simulate import simulate
from sopfsm.qa.summary import Example
from sopfsm.qa.verdict import judge


def _nodes(svg: str) -> dict[str, str]:
    """Each node's title and its SVG group, as Graphviz writes them."""
    groups = re.findall(r'<g id="node\d+" class="node">\s*<title>(.*?)</title>(.*?)</g>', svg, re.S)
    return dict(groups)


@pytest.mark.parametrize("sop", ["turun-daya", "triage"])
def test_the_path_is_drawn_in_colour_and_nothing_else(sop: str) -> None:
    # The front door's calls continue into a clause SOP, drawn there as one node.
    record = next(
        r for r in simulate([sop], calls=200, seed=5, deviations=0) if len(r["answers"]) >= 3
    )
    verdict = judge(parse_json_line("calls.jsonl", 1, json.dumps(record)))
    example = Example("C1", "calls.jsonl", 1, sop, verdict.path, record["outcome"], None, {})
    svg = example_flowchart(example, "en")
    assert svg is not None
    nodes = _nodes(svg)
    path = chart_of(sopfsm.get_sop(sop), "en", verdict.path).visited
    assert len(path) >= 3
    if sop == "triage":
        assert path[-1].endswith("__sop")  # the clause SOP the call continued into
    for node in path[:-1]:
        assert PATH_COLOUR.lower() in nodes[node].lower(), node
    assert BAD_COLOUR.lower() in nodes[path[-1]].lower()
    for title, body in nodes.items():
        if title not in path:
            assert PATH_COLOUR.lower() not in body.lower(), title
