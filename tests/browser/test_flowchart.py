"""The call screen's flowchart follows a call from the front door: once the call continues
into a clause, the clause's own chart, the current step framed and in view, its text
legible at 1366x768; the chart can be collapsed from the keyboard."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

import sopfsm
from sopfsm.audit import PathRow, audit
from sopfsm.diagram import CURRENT_COLOUR
from tests.support.browser import AGENT, VIEWPORT
from tests.support.driving import answer_by_key, focused, open_call_screen, start_by_key

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

PATHS = audit(sopfsm.get_sop("triage")).paths or ()
MIN_TEXT_PX = 11

# What the flowchart shows, read from the page as a CSO sees it.
SHOWN_JS = f"""
() => {{
  const view = document.querySelector('[data-diagram] .diagram-view');
  const svg = view.querySelector('svg');
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  const sizes = [...svg.querySelectorAll('text')]
    .map((text) => parseFloat(text.getAttribute('font-size')) * scale);
  const nodes = [...svg.querySelectorAll('g.node')];
  const framed = nodes.filter((node) => node.querySelector('[stroke="{CURRENT_COLOUR}" i]'));
  const box = view.getBoundingClientRect();
  const seen = framed.map((node) => node.getBoundingClientRect()).map((r) => ({{
    left: r.left - box.left, top: r.top - box.top, right: box.right - r.right,
    bottom: box.bottom - r.bottom, width: r.width, height: r.height,
    onScreen: r.top >= 0 && r.left >= 0 && r.bottom <= innerHeight && r.right <= innerWidth,
  }}));
  return {{
    chart: view.closest('[data-diagram]').dataset.diagram,
    framed: framed.map((node) => node.querySelector('title').textContent),
    seen, smallest: Math.min(...sizes), viewWidth: box.width, viewHeight: box.height,
  }};
}}
"""


def _shown(page: Page, revision: int) -> dict[str, Any]:
    page.wait_for_selector(f'[data-diagram-revision="{revision}"] svg')
    shown: dict[str, Any] = page.evaluate(SHOWN_JS)
    return shown


def _expected(step: str) -> tuple[str, str]:
    """The chart a front-door call's ``step`` is shown on, and its node there."""
    name, separator, own = step.partition("__")
    return (name.replace("_", "-"), own) if separator else ("triage", step)


def _in_view(seen: dict[str, float], shown: dict[str, Any]) -> bool:
    """The framed node lies in the chart's view: whole or, where it is larger than the
    view (a wide decision), filling it."""
    across = min(seen["left"], seen["right"]) >= -1 or (
        seen["width"] > shown["viewWidth"] and max(seen["left"], seen["right"]) <= 1
    )
    down = min(seen["top"], seen["bottom"]) >= -1 or (
        seen["height"] > shown["viewHeight"] and max(seen["top"], seen["bottom"]) <= 1
    )
    return across and down


@pytest.mark.parametrize("row", PATHS, ids=[f"triage-{n}" for n in range(1, len(PATHS) + 1)])
def test_the_flowchart_frames_the_current_step_on_every_front_door_path(
    page: Page, row: PathRow
) -> None:
    assert page.viewport_size == VIEWPORT
    open_call_screen(page, AGENT)
    start_by_key(page, "triage")
    for revision, (question_id, class_label) in enumerate(row.answers):
        answer_by_key(page, "triage", question_id, class_label)
        step = page.get_attribute("[data-step]", "data-step")
        assert step is not None
        chart, node = _expected(step)
        shown = _shown(page, revision + 1)
        assert (shown["chart"], shown["framed"]) == (chart, [node]), row.answers[: revision + 1]
        assert shown["smallest"] >= MIN_TEXT_PX, shown
        (seen,) = shown["seen"]
        # A decision wider than the panel (the matter's, with every choice) fills it.
        assert seen["onScreen"] or seen["width"] > shown["viewWidth"], seen
        assert _in_view(seen, shown), shown
    assert step == row.steps[-1]


def test_the_flowchart_collapses_and_opens_from_the_keyboard(page: Page) -> None:
    open_call_screen(page, AGENT)
    start_by_key(page, "triage")
    answer_by_key(page, "triage", "matter", "lebih_tagih")
    _shown(page, 1)
    for _ in range(60):  # Tab through the screen to the chart's control
        if focused(page, "data-diagram-toggle"):
            break
        page.keyboard.press("Tab")
    assert focused(page, "data-diagram-toggle"), "Tab never reaches the flowchart's control"
    assert page.get_attribute("[data-diagram-toggle]", "id") == "diagram-caption"
    assert "Diagram alir" in page.inner_text("[data-diagram-toggle]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-diagram]:not([open])")
    assert not page.is_visible("[data-diagram] svg")
    # Collapsed stays collapsed as the call moves on.
    step = page.get_attribute("[data-step]", "data-step")
    page.reload()
    page.wait_for_selector(f'[data-step="{step}"]', state="attached")
    page.wait_for_selector('[data-diagram-revision="1"] svg', state="attached")
    assert page.get_attribute("[data-diagram]", "open") is None
    page.focus("[data-diagram-toggle]")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-diagram][open] svg")
    shown = page.evaluate(SHOWN_JS)
    assert shown["framed"] == [_expected(step or "")[1]]
    assert shown["seen"][0]["onScreen"]
    assert _in_view(shown["seen"][0], shown)
