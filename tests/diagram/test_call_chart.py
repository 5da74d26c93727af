"""A call's path and current step are drawn on its SOP's chart and, for a call from the
front door, on the chart of the clause SOP it continued into: every audit path of
``triage``, at every step of the call."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

import sopfsm
from sopfsm.audit import PathRow, audit
from sopfsm.diagram import call_chart, chart_of, charted_sops, render
from sopfsm.qa.report import example_flowchart
from sopfsm.qa.summary import Example

TRIAGE = sopfsm.get_sop("triage")
PATHS = audit(TRIAGE).paths or ()
NAMES = [",".join(f"{q}={a}" for q, a in row.answers) for row in PATHS]


def _clause(step_id: str) -> str | None:
    """The clause SOP a front-door step belongs to, written out from the step's name."""
    name, separator, _ = step_id.partition("__")
    return name.replace("_", "-") if separator else None


def _framed_on_triage(step_id: str) -> str:
    # Inside a clause, the step is drawn on the front door's chart as that clause's node.
    clause = _clause(step_id)
    return step_id if clause is None else f"{clause.replace('-', '_')}__sop"


def _moments(row: PathRow) -> Iterator[sopfsm.Call]:
    """The call after each answer of ``row`` (an answer class's first sample)."""
    call = sopfsm.start(TRIAGE)
    for question_id, name in row.answers:
        question = TRIAGE.question(question_id)
        assert question is not None
        answer = next(c for c in question.kind.classes() if c.label == name)
        call.answer(question_id, answer.samples[0])
        yield call


def test_every_audit_path_of_the_front_door_is_drawn() -> None:
    assert len(PATHS) >= 20
    clauses = {_clause(row.steps[-1]) for row in PATHS}
    assert {"lebih-tagih", "turun-daya", "niaga-overdue"} <= clauses


@pytest.mark.parametrize("row", PATHS, ids=NAMES)
def test_the_current_step_is_framed_on_the_front_door_and_on_the_clause(row: PathRow) -> None:
    for call in _moments(row):
        step = call.step.id
        assert call_chart(TRIAGE, call).current == _framed_on_triage(step)
        clause = _clause(step)
        if clause is None:
            continue
        chart = call_chart(sopfsm.get_sop(clause), call)
        assert chart.current == step.partition("__")[2]
        inside = [s.partition("__")[2] for s in call.path if _clause(s) == clause]
        assert [n for n in chart.visited if not n.endswith("__says")] == inside


@pytest.mark.parametrize("row", PATHS, ids=NAMES)
def test_the_drawn_charts_frame_the_current_step(
    row: PathRow, chart_frames: Callable[[str], dict[str, str]]
) -> None:
    moments = list(_moments(row))
    inside = [c for c in moments if _clause(c.step.id) is not None]
    for call in {id(c): c for c in [*inside[:1], moments[-1]]}.values():
        step = call.step.id
        drawn = chart_frames(render(call_chart(TRIAGE, call, "en"), "svg").decode())
        assert [n for n, how in drawn.items() if how == "current"] == [_framed_on_triage(step)]
        clause = _clause(step)
        if clause is not None:
            svg = render(call_chart(sopfsm.get_sop(clause), call, "en"), "svg").decode()
            drawn = chart_frames(svg)
            assert [n for n, how in drawn.items() if how == "current"] == [step.split("__")[1]]
            assert {n for n, how in drawn.items() if how} >= {
                s.partition("__")[2] for s in call.path if _clause(s) == clause
            }


@pytest.mark.parametrize("row", PATHS, ids=NAMES)
def test_the_service_and_qa_draw_a_path_alike(row: PathRow) -> None:
    *_, call = _moments(row)
    example = Example("C1", "calls.jsonl", 1, "triage", call.path, row.outcome, None, {})
    service = render(call_chart(TRIAGE, call, "id"), "svg").decode()
    assert example_flowchart(example, "id") == service[service.index("<svg") :]


def test_a_clause_call_is_drawn_on_its_own_chart_only() -> None:
    assert charted_sops(sopfsm.get_sop("lebih-tagih")) == ("lebih-tagih",)
    assert set(charted_sops(TRIAGE)) == {"triage"} | {_clause(r.steps[-1]) for r in PATHS} - {None}


def test_a_front_door_step_is_not_drawn_on_a_clause_chart() -> None:
    call = sopfsm.start(TRIAGE)  # still at the front door's first question
    chart = call_chart(sopfsm.get_sop("lebih-tagih"), call)
    assert chart.current is None
    assert chart.visited == ()
    assert chart_of(TRIAGE, "id", call.path, call.step.id).current == call.step.id
