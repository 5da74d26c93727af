"""The Mermaid chart marks a call's way as the SVG does: the visited nodes and the
current one, on the clause's own chart for a call from the front door."""

from __future__ import annotations

import sopfsm
from sopfsm.diagram import CURRENT_COLOUR, PATH_COLOUR, call_chart, to_mermaid


def test_a_calls_way_is_marked_on_the_mermaid_chart() -> None:
    call = sopfsm.start("triage")
    call.answer("matter", "lebih_tagih")
    call.answer("objects_to_paying", True)
    chart = call_chart(sopfsm.get_sop("lebih-tagih"), call, "en")
    assert chart.current is not None
    text = to_mermaid(chart)
    assert f"    class {chart.current} current\n" in text
    assert f"stroke:{CURRENT_COLOUR}" in text
    assert f"stroke:{PATH_COLOUR}" in text
    plain = to_mermaid(sopfsm.get_sop("lebih-tagih"), "en")
    assert "current" not in plain
    assert text.startswith(plain.rsplit("\n", 1)[0])  # the same chart, marks added


def test_mermaid_has_a_node_per_step_and_an_arrow_per_branch() -> None:
    sop = sopfsm.get_sop("niaga-overdue")
    text = to_mermaid(sop)
    assert text.count(" -.->|") + text.count(" -->|") == len(sop.branches)
    for step in sop.steps:
        assert f"    {step.id}{{" in text or f"    {step.id}([" in text
