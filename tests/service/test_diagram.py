"""``GET /v1/sops/{sop}/diagram.svg?call=ID`` frames a front-door call's current step on
the front door's chart and on the chart of the clause SOP it continued into, for every
audit path of ``triage``, and draws what the Python API draws."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

import sopfsm
from sopfsm.audit import audit
from sopfsm.diagram import call_chart, render

TRIAGE = sopfsm.get_sop("triage")
PATHS = audit(TRIAGE).paths or ()


def _value(question_id: str, name: str) -> Any:
    question = TRIAGE.question(question_id)
    assert question is not None
    return next(c for c in question.kind.classes() if c.label == name).samples[0]


def _clause(step_id: str) -> str | None:
    name, separator, _ = step_id.partition("__")
    return name.replace("_", "-") if separator else None


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_every_front_door_path_is_framed_on_both_charts(
    client: httpx.Client, chart_frames: Callable[[str], dict[str, str]]
) -> None:
    checked = 0
    for row in PATHS:
        answers = [(q, _value(q, a)) for q, a in row.answers]
        # Just continued into the clause, and at the end of the call.
        entered = next(
            (i + 1 for i, step in enumerate(row.steps[1:]) if _clause(step) is not None),
            len(answers),
        )
        for given in {entered, len(answers)}:
            response = client.post(
                "/v1/calls", json={"sop": "triage", "answers": dict(answers[:given])}
            )
            assert response.status_code == 201, response.text
            call = response.json()
            step = call["path"][-1]  # where the call is now
            clause = _clause(step)
            expected = {"triage": f"{clause.replace('-', '_')}__sop" if clause else step}
            if clause is not None:
                expected[clause] = step.partition("__")[2]
            local = sopfsm.start(TRIAGE)
            for question, value in answers[:given]:
                local.answer(question, value)
            for sop, node in expected.items():
                drawn = client.get(f"/v1/sops/{sop}/diagram.svg", params={"call": call["id"]})
                assert drawn.status_code == 200, (row.answers, sop, drawn.text)
                svg = drawn.content.decode()
                frames = chart_frames(svg)
                current = [n for n, how in frames.items() if how == "current"]
                assert current == [node], (row.answers[:given], sop)
                # The service's highlighter is the Python API's.
                assert svg == render(call_chart(sopfsm.get_sop(sop), local), "svg").decode()
                checked += 1
    assert checked > 2 * len(PATHS)


@pytest.mark.parametrize("store", ["sqlite"], indirect=True)
def test_a_call_is_refused_on_a_chart_it_never_reaches(client: httpx.Client) -> None:
    lebih_tagih = client.post("/v1/calls", json={"sop": "lebih-tagih", "answers": {}}).json()
    refused = client.get("/v1/sops/triage/diagram.svg", params={"call": lebih_tagih["id"]})
    assert refused.status_code == 400
    assert refused.json()["field"] == "call"
    assert "lebih-tagih" in refused.json()["detail"]
