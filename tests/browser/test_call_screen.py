"""The CSO's call screen in a real Chromium: every answer path of every SOP by keyboard,
refusals explained with the call unchanged, resume after a reload, the APKT text copied."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpx
import pytest

import sopfsm
from sopfsm.audit import PathRow, audit
from sopfsm.catalogue import get_sop, sop_ids
from sopfsm.diagram import CURRENT_COLOUR
from sopfsm.errors import InvalidAnswer
from tests.support.browser import AGENT
from tests.support.driving import (
    answer_by_key,
    focus_in_panel,
    focused,
    key_of,
    keys_ready,
    open_call_screen,
    start_by_key,
)

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def _paths() -> list[pytest.ParameterSet]:
    """The audit's path table of every SOP: the paths the screen must take a CSO along."""
    rows = []
    for sop_id in sop_ids():
        paths = audit(sop_id).paths
        assert paths, f"{sop_id}: the audit lists no paths to drive"
        rows += [pytest.param(sop_id, row, id=f"{sop_id}-{n}") for n, row in enumerate(paths, 1)]
    return rows


@pytest.mark.parametrize(("sop_id", "row"), _paths())
def test_every_path_by_keyboard_alone(
    page: Page, api: httpx.Client, sop_id: str, row: PathRow
) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, sop_id)
    for question_id, class_label in row.answers:
        assert focus_in_panel(page)
        answer_by_key(page, sop_id, question_id, class_label)
    page.wait_for_selector(f'[data-outcome="{row.outcome}"]')
    call = api.get(f"/v1/calls/{call_id}").json()
    assert call["path"] == list(row.steps)
    assert call["outcome"]["code"] == row.outcome
    assert call["agent"] == AGENT
    if row.outcome == "REGULAR_SOP":  # a hand-off: no APKT report, nothing to copy
        assert focused(page, "data-end-heading")
        assert page.query_selector("[data-apkt-text]") is None
        assert page.query_selector("[data-handoff]") is not None
        return
    assert focused(page, "data-copy"), "at the outcome, focus waits on the copy button"
    carried = get_sop(sop_id).step(row.steps[-1]).carries
    shown = page.input_value("[data-apkt-text]")
    assert row.outcome in shown
    if call.get("continued_into"):  # from the front door: the clause the call went into
        part = get_sop(call["continued_into"])
        assert page.get_attribute("[data-part]", "data-part") == part.sop_id
        assert f"{part.title.id} (klausul {part.clause}" in shown
    for question_id in carried:  # what the report must carry is in the text to paste
        name = page.inner_text(f"[data-carries] [data-question-name='{question_id}']")
        assert f"{name}:" in shown


def _refusal_of(sop_id: str, *answers: tuple[str, str]) -> InvalidAnswer:
    """What the core refuses the last of ``answers`` with: the message the CSO must see."""
    call = sopfsm.start(sop_id)
    *given, (question, bad) = answers
    for question_id, value in given:
        call.answer(question_id, value)
    with pytest.raises(InvalidAnswer) as refused:
        call.answer(question, bad)
    return refused.value


def _refused(page: Page, api: httpx.Client, sop_id: str, first: str, bad: str) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, sop_id)
    page.keyboard.press(first)
    page.wait_for_selector("[data-field]:focus")
    keys_ready(page)  # an Enter just after the question came would be taken for a bounce
    before = api.get(f"/v1/calls/{call_id}").json()
    page.keyboard.type(bad)
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-refusal]:not(:empty)")
    after = api.get(f"/v1/calls/{call_id}").json()
    assert after["revision"] == before["revision"]
    assert after["pending"] == before["pending"]
    assert after["path"] == before["path"]
    assert focused(page, "data-field"), "the CSO corrects the answer where it was typed"
    assert page.input_value("[data-field]") == bad


def test_a_refused_nik_is_explained_in_indonesian_and_the_call_stays(
    page: Page, api: httpx.Client
) -> None:
    bad = "3171 0132 0190 0001"  # born on the 32nd
    _refused(page, api, "turun-daya", "1", bad)
    refusal = _refusal_of("turun-daya", ("target_tariff", "subsidized"), ("nik", bad))
    assert refusal.message("id") in page.inner_text("[data-refusal]")
    assert "(tanggal 32)" in page.inner_text("[data-refusal]")
    page.keyboard.press("Alt+l")  # the English message, one keystroke away
    page.wait_for_selector("html[lang=en]")
    assert refusal.message("en") in page.inner_text("[data-refusal]")
    assert focused(page, "data-field")
    page.fill("[data-field]", "")
    page.keyboard.type("3171010101900001")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-question="nik_eligible"]')


def test_a_refused_meter_reading_is_explained_and_the_call_stays(
    page: Page, api: httpx.Client
) -> None:
    _refused(page, api, "lebih-tagih", "T", "-12")
    refusal = _refusal_of("lebih-tagih", ("accepts_explanation", "no"), ("meter_reading", "-12"))
    assert refusal.message("id") in page.inner_text("[data-refusal]")
    assert "stand tidak boleh negatif" in page.inner_text("[data-refusal]")
    page.keyboard.press("Tab")  # focus wanders off; a key brings it back to the field
    page.keyboard.press("/")
    assert focused(page, "data-field")


def test_a_call_resumes_after_a_reload_and_by_its_id(page: Page) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "niaga-overdue")
    answer_by_key(page, "niaga-overdue", "urgent", "yes")
    page.reload()
    page.wait_for_selector('[data-question="access_restricted"]')
    assert page.inner_text("[data-call-id]") == call_id
    assert focus_in_panel(page)
    page.keyboard.press("Alt+l")
    page.wait_for_selector("html[lang=en]")
    assert focus_in_panel(page), "switching language keeps the CSO's place"
    assert "Is access to the customer's location" in page.inner_text("[data-question]")
    page.keyboard.press("Alt+l")
    page.wait_for_selector("html[lang=id]")
    page.goto("/")
    page.wait_for_selector("[data-start-heading]:focus")
    keys_ready(page)
    page.keyboard.press("/")
    page.keyboard.type(call_id)
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-question="access_restricted"]')
    page.goto("/")
    recent = page.wait_for_selector(f'[data-resume-call="{call_id}"]')
    assert recent is not None


def _framed_step(page: Page, revision: int) -> str | None:
    """The step the flowchart frames as current once it shows ``revision``."""
    page.wait_for_selector(f'[data-diagram-revision="{revision}"] svg')
    framed: str | None = page.evaluate(
        f"""[...document.querySelectorAll('[data-diagram] g.node')]
            .find((node) => node.querySelector('[stroke="{CURRENT_COLOUR}" i]'))
            ?.querySelector('title')?.textContent"""
    )
    return framed


def test_the_apkt_text_is_copied_for_pasting(page: Page) -> None:
    open_call_screen(page, AGENT)
    start_by_key(page, "turun-daya")
    for revision, (question_id, class_label) in enumerate(
        (("target_tariff", "subsidized"), ("nik", "<valid NIK>"), ("nik_eligible", "yes"))
    ):
        assert _framed_step(page, revision) == page.get_attribute("[data-step]", "data-step")
        answer_by_key(page, "turun-daya", question_id, class_label)
    page.wait_for_selector('[data-outcome="APKT_TO_UNIT"]')
    assert _framed_step(page, 3) == "recipient_to_unit"  # the flowchart follows the call
    page.keyboard.press(key_of(page, "[data-copy]"))
    page.wait_for_selector("[data-copied]:not(:empty)")
    pasted = page.evaluate("navigator.clipboard.readText()")
    assert pasted == page.input_value("[data-apkt-text]")
    assert "Hasil APKT: APKT_TO_UNIT" in pasted
    assert "NIK: 3171010101900001" in pasted


def test_an_answer_given_on_another_desk_is_shown_not_overwritten(
    page: Page, api: httpx.Client
) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "niaga-overdue")
    moved = api.post(
        f"/v1/calls/{call_id}/answers", json={"question": "urgent", "value": "no", "revision": 0}
    )
    assert moved.status_code == 200
    page.keyboard.press("Y")  # this screen still shows the urgency question
    page.wait_for_selector("[data-notice]")
    page.wait_for_selector('[data-question="access_restricted"]')
    call = api.get(f"/v1/calls/{call_id}").json()
    assert call["answers"] == {"urgent": False}  # the other desk's answer stands, once
    assert call["revision"] == 1
    assert focus_in_panel(page)
