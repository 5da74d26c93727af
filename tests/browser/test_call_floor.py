"""The call screen on a call floor: no answer by accident (a double Enter, a bouncing key,
a held key, Enter on the start screen, a stray L), a way back to any earlier answer by
keyboard alone, the customer's details in the APKT text, a wrap-up, and a reload that
keeps a half-typed field."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from sopfsm.audit import audit
from sopfsm.call import start_answered
from sopfsm.catalogue import get_sop
from tests.support.browser import AGENT, shoot_screen
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
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser

NIK = "3171 0101 0190 0001"


def _call(api: httpx.Client, call_id: str) -> dict[str, Any]:
    body: dict[str, Any] = api.get(f"/v1/calls/{call_id}").json()
    return body


def test_a_double_enter_after_the_nik_commits_one_answer(page: Page, api: httpx.Client) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "turun-daya")
    answer_by_key(page, "turun-daya", "target_tariff", "subsidized")
    page.keyboard.type(NIK)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")  # the second press of the issue: it once answered "Ya"
    page.wait_for_selector('[data-question="nik_eligible"]')
    keys_ready(page)
    page.wait_for_timeout(200)
    call = _call(api, call_id)
    assert call["revision"] == 2
    assert call["pending"] == "nik_eligible"
    assert not page.evaluate("!!document.activeElement?.closest('[data-answer]')")


def test_a_bouncing_key_answers_one_question(page: Page, api: httpx.Client) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "niaga-overdue")
    page.keyboard.press("Y")
    page.wait_for_selector('[data-question="access_restricted"]', state="attached")
    page.wait_for_timeout(250)
    page.keyboard.press("Y")  # the bounce, 250 ms after the move
    page.wait_for_timeout(500)
    assert _call(api, call_id)["revision"] == 1


def test_a_held_key_answers_one_question(page: Page, api: httpx.Client) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "niaga-overdue")
    page.keyboard.down("Y")
    page.wait_for_selector('[data-question="access_restricted"]', state="attached")
    keys_ready(page)
    page.keyboard.down("Y")  # still held: the browser repeats it (event.repeat)
    page.keyboard.down("Y")
    page.keyboard.up("Y")
    page.wait_for_timeout(300)
    assert _call(api, call_id)["revision"] == 1


def test_enter_on_the_start_screen_starts_nothing(page: Page, api: httpx.Client) -> None:
    open_call_screen(page, AGENT)
    page.keyboard.press("Enter")
    page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert page.query_selector("[data-call-id]") is None
    assert api.get(f"/v1/calls?agent={AGENT}&limit=200").json()["calls"] == [] or all(
        c["answers"] != {"matter": "niaga"}
        for c in api.get(f"/v1/calls?agent={AGENT}&limit=200").json()["calls"]
    )


def test_a_stray_l_mid_call_changes_neither_language_nor_call(
    page: Page, api: httpx.Client
) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "niaga-overdue")
    page.keyboard.press("l")
    page.wait_for_timeout(200)
    assert page.get_attribute("html", "lang") == "id"
    assert _call(api, call_id)["revision"] == 0
    page.keyboard.press("Alt+l")
    page.wait_for_selector("html[lang=en]")
    assert _call(api, call_id)["revision"] == 0


def test_a_reload_keeps_a_half_typed_field(page: Page) -> None:
    open_call_screen(page, AGENT)
    start_by_key(page, "turun-daya")
    answer_by_key(page, "turun-daya", "target_tariff", "subsidized")
    page.keyboard.type("3171 0101")
    page.fill("[data-detail='name']", "Ani")
    page.reload()
    page.wait_for_selector('[data-question="nik"]')
    assert page.input_value("[data-field]") == "3171 0101"
    assert page.input_value("[data-detail='name']") == "Ani"


def _triage_paths() -> list[Any]:
    return list(audit(get_sop("triage")).paths or ())


@pytest.mark.parametrize(
    "row", _triage_paths(), ids=lambda row: "-".join(v for _, v in row.answers)
)
def test_going_back_changes_the_last_answer_by_keyboard_alone(
    page: Page, api: httpx.Client, row: Any
) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "triage")
    for question_id, class_label in row.answers:
        answer_by_key(page, "triage", question_id, class_label)
    last, was = row.answers[-1]
    page.keyboard.press(key_of(page, "[data-previous]"))  # Sebelumnya
    page.wait_for_selector(f'[data-change="{last}"]')
    keys_ready(page)
    assert focus_in_panel(page)
    before = _call(api, call_id)
    other = page.query_selector(f'[data-change-answer]:not([data-class="{was}"])[data-key]')
    if other is not None:
        new_class = other.get_attribute("data-class")
        page.keyboard.press(key_of(page, f'[data-change-answer][data-class="{new_class}"]'))
    else:  # a typed answer: typed again, as the CSO would
        assert focused(page, "data-change-field")
        page.keyboard.press("Enter")
    page.wait_for_selector(
        f'[data-step][data-revision="{before["revision"] + 1}"]', state="attached"
    )
    after = _call(api, call_id)
    assert after["corrections"] == 1
    assert after["log"][-1]["kind"] == "correction"
    assert after["log"][-1]["question"] == last
    # The screen's call is a fresh call given its effective answers.
    fresh, unused = start_answered(get_sop("triage"), after["answers"])
    assert not unused
    assert after["path"] == list(fresh.path)
    assert after["pending"] == (fresh.pending.id if fresh.pending else None)
    assert (after["outcome"] or {}).get("code") == (fresh.outcome.code if fresh.outcome else None)


def _finish_lebih_tagih(page: Page) -> str:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "lebih-tagih")
    answer_by_key(page, "lebih-tagih", "accepts_explanation", "no")
    answer_by_key(page, "lebih-tagih", "meter_reading", "<valid reading>")
    page.wait_for_selector('[data-outcome="APKT_TO_UNIT"]')
    return call_id


def test_the_apkt_text_of_a_finished_call_holds_the_customer(page: Page, api: httpx.Client) -> None:
    call_id = _finish_lebih_tagih(page)
    text = page.input_value("[data-apkt-text]")
    assert "Data belum lengkap: IDPEL atau nomor meter, Nama, Telepon, Alamat" in text
    page.fill("[data-detail='idpel']", "123")
    page.click("[data-save-details]")
    page.wait_for_selector("[data-detail-refusal='idpel']")
    assert _call(api, call_id)["customer"] == {}  # refused by name, nothing stored
    page.fill("[data-detail='idpel']", "5123 4567 8901")
    page.fill("[data-detail='name']", "Ani Wulandari")
    page.fill("[data-detail='phone']", "0812-3456-7890")
    page.fill("[data-detail='address']", "Jl. Melati 5, Jayapura")
    page.fill("[data-detail='note']", "Pagar biru")
    page.click("[data-save-details]")
    page.wait_for_selector('[data-step][data-revision="3"]', state="attached")
    text = page.input_value("[data-apkt-text]")
    for line in (
        "IDPEL: 512345678901",
        "Nama: Ani Wulandari",
        "Telepon: +6281234567890",
        "Alamat: Jl. Melati 5, Jayapura",
        "Catatan: Pagar biru",
        f"Agen: {AGENT}",
    ):
        assert line in text
    assert "Data belum lengkap" not in text
    assert "WIT s.d." in text and text.count(" WIT") == 2


def test_a_correction_on_screen_and_its_screenshot(
    page: Page, api: httpx.Client, screenshot_dir: Path | None
) -> None:
    call_id = _finish_lebih_tagih(page)
    page.click("[data-change-question='accepts_explanation']")
    page.wait_for_selector('[data-change="accepts_explanation"]')
    page.fill("[data-change-reason]", "Pelanggan meralat")
    page.wait_for_selector("[data-wrap-up]", state="detached")
    page.wait_for_selector("[data-diagram] svg")
    shoot_screen(page, "call-correction", screenshot_dir)
    page.click("[data-change-answer='true']")
    page.wait_for_selector('[data-outcome="APKT_ISSUE_CLOSED"]')
    page.wait_for_selector("[data-notice]")  # the outcome changed, and the screen says so
    entry = _call(api, call_id)["log"][-1]
    assert (entry["kind"], entry["reason"], entry["outcome_after"]) == (
        "correction", "Pelanggan meralat", "APKT_ISSUE_CLOSED",
    )  # fmt: skip


def test_a_wrap_up_on_screen_and_its_screenshot(
    page: Page, api: httpx.Client, screenshot_dir: Path | None
) -> None:
    open_call_screen(page, AGENT)
    call_id = start_by_key(page, "niaga-overdue")
    page.check("[data-wrap-code='hung_up']")
    page.fill("[data-wrap-note]", "Pelanggan menutup sebelum menjawab")
    page.wait_for_selector("[data-diagram] svg")
    shoot_screen(page, "call-wrap-up", screenshot_dir)
    page.click("[data-wrap-go]")
    page.wait_for_selector("[data-ended='abandoned']")
    call = _call(api, call_id)
    assert (call["status"], call["closed"]) == ("abandoned", True)
    assert call["log"][-1]["code"] == "hung_up"
    assert page.query_selector("[data-answer]") is None  # an abandoned call takes no answer


@pytest.mark.parametrize(
    ("width", "height", "scale"), [(390, 844, 3), (683, 384, 2)], ids=["phone", "zoom-200"]
)
def test_what_to_say_stays_in_view_when_the_field_takes_focus(
    browser: Browser, service: str, width: int, height: int, scale: int
) -> None:
    context = browser.new_context(
        viewport={"width": width, "height": height}, device_scale_factor=scale, base_url=service
    )
    page = context.new_page()
    try:
        open_call_screen(page, AGENT)
        start_by_key(page, "turun-daya")
        answer_by_key(page, "turun-daya", "target_tariff", "subsidized")
        assert focused(page, "data-field")
        page.wait_for_timeout(100)  # the scroll follows the focus in the next frame
        top = page.evaluate("document.querySelector('[data-step]').getBoundingClientRect().top")
        assert 0 <= top < height / 2, f"what to say is at {top}px of a {height}px screen"
    finally:
        context.close()
