"""What a CSO and a trainee see: labels, contrast, focus, 200% zoom, and the screenshots
of the documentation (docs/screens.md), taken by these tests.

PNG screenshots cannot be byte-stable across font builds, so each is committed beside the
text it shows (``docs/screens/NAME.txt``, which is stable): a test fails when what the
screen says no longer matches, and ``SOPFSM_SCREENSHOTS=1 pytest tests/browser`` rewrites
both.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sopfsm.service.practice import attempt
from tests.support.browser import AGENT, ROOT, VIEWPORT, shoot_screen
from tests.support.driving import answer_by_key, open_call_screen, start_by_key

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

pytestmark = pytest.mark.browser

SCREENS = ROOT / "docs" / "screens"
REGENERATE = "SOPFSM_SCREENSHOTS=1 pytest tests/browser -k screenshot"

# Every control named for assistive technology; every text at least 4.5:1 on its ground.
AUDIT_JS = """
() => {
  const problems = [];
  for (const el of document.querySelectorAll('button, input, textarea, select, a[href]')) {
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || el.textContent.trim();
    if (!named) problems.push('unlabelled ' + el.outerHTML.slice(0, 80));
  }
  const rgb = (c) => c.match(/[\\d.]+/g).map(Number);
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ground = (el) => {
    for (let n = el; n; n = n.parentElement) {
      const c = getComputedStyle(n).backgroundColor;
      if (c && rgb(c).length === 3 || (rgb(c)[3] ?? 1) > 0) return rgb(c).slice(0, 3);
    }
    return [255, 255, 255];
  };
  for (const el of document.querySelectorAll('body *:not(svg *)')) {
    const text = [...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim());
    if (!text || !el.getClientRects().length) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('.skip, .sr-only, .status')) continue;
    const [a, b] = [lum(rgb(style.color).slice(0, 3)), lum(ground(el))];
    const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
    if (ratio < 4.5) problems.push(`contrast ${ratio.toFixed(2)} ` + el.outerHTML.slice(0, 80));
  }
  const focused = document.activeElement;
  if (!focused || focused === document.body) problems.push('focus lost');
  else if (getComputedStyle(focused).outlineStyle === 'none') problems.push('focus not drawn');
  return problems;
}
"""


def accessible(page: Page) -> list[str]:
    problems: list[str] = page.evaluate(AUDIT_JS)
    return problems


def fits(page: Page) -> bool:
    """Nothing scrolls sideways, and the focused control is within the width."""
    return bool(
        page.evaluate(
            "document.scrollingElement.scrollWidth <= window.innerWidth"
            " && document.activeElement.getBoundingClientRect().right <= window.innerWidth"
        )
    )


def test_every_screen_is_labelled_contrasted_and_shows_its_focus(page: Page) -> None:
    open_call_screen(page, AGENT)
    assert accessible(page) == []
    start_by_key(page, "turun-daya")
    assert accessible(page) == []  # keyed answers
    answer_by_key(page, "turun-daya", "target_tariff", "subsidized")
    page.keyboard.type("123")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-refusal]:not(:empty)")
    assert accessible(page) == []  # a field and its refusal
    page.fill("[data-field]", "3171010101900001")
    page.keyboard.press("Enter")
    answer_by_key(page, "turun-daya", "nik_eligible", "yes")
    page.wait_for_selector("[data-outcome]")
    assert accessible(page) == []  # the outcome
    page.goto("/practice")
    page.wait_for_selector("body[data-ready]")
    page.keyboard.press("N")
    page.wait_for_selector('[data-move="0"]')
    page.keyboard.press("1")
    page.wait_for_selector("[data-feedback]")
    assert accessible(page) == []
    _practise_to_the_typed_nik(page)
    assert accessible(page) == []  # the typed NIK and its refusal


def test_the_screen_check_finds_a_faint_text_and_a_lost_focus(page: Page) -> None:
    open_call_screen(page, AGENT)
    # Through the CSSOM: the pages' Content-Security-Policy refuses an inline <style>.
    page.evaluate(
        "document.querySelectorAll('.hint')"
        ".forEach((e) => e.style.setProperty('color', '#b0b0b0', 'important'))"
    )
    page.evaluate("document.activeElement.blur()")
    problems = accessible(page)
    assert any(p.startswith("contrast") and "hint" in p for p in problems)
    assert "focus lost" in problems


def test_a_whole_call_at_200_percent_zoom(browser: Browser, service: str) -> None:
    # 200% zoom on 1366x768 lays the page out in half the CSS pixels at twice the density.
    half: ViewportSize = {"width": VIEWPORT["width"] // 2, "height": VIEWPORT["height"] // 2}
    context = browser.new_context(viewport=half, device_scale_factor=2, base_url=service)
    page = context.new_page()
    try:
        open_call_screen(page, AGENT)
        assert fits(page)
        start_by_key(page, "lebih-tagih")
        page.wait_for_selector("[data-diagram] svg")  # the widest thing on the screen
        assert fits(page)
        answer_by_key(page, "lebih-tagih", "accepts_explanation", "no")
        assert fits(page)
        answer_by_key(page, "lebih-tagih", "meter_reading", "<valid reading>")
        page.wait_for_selector('[data-outcome="APKT_TO_UNIT"]')
        assert fits(page)
    finally:
        context.close()


def _shoot(page: Page, name: str, screen_dir: Path | None) -> None:
    shoot_screen(page, name, screen_dir)


def test_screenshots_of_the_call_screen(page: Page, screenshot_dir: Path | None) -> None:
    open_call_screen(page, "cso-ani")
    start_by_key(page, "turun-daya")
    answer_by_key(page, "turun-daya", "target_tariff", "subsidized")
    page.keyboard.type("3171 0132 0190 0001")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-refusal]:not(:empty)")
    page.wait_for_selector("[data-diagram] svg")
    _shoot(page, "call-screen", screenshot_dir)
    page.fill("[data-field]", "3171 0101 0190 0001")
    page.keyboard.press("Enter")
    answer_by_key(page, "turun-daya", "nik_eligible", "yes")
    page.wait_for_selector('[data-outcome="APKT_TO_UNIT"]')
    page.wait_for_selector('[data-diagram-revision="3"] svg')
    _shoot(page, "call-outcome", screenshot_dir)


PRACTICE_SEED = 3
PRACTICE_SCENARIO = "turun-daya:target_tariff=subsidized,nik=<valid NIK>,nik_eligible=yes"


def _practise_to_the_typed_nik(page: Page) -> None:
    """A turun-daya run, right up to the NIK the customer gives, mistyped once."""
    run = attempt(PRACTICE_SCENARIO, PRACTICE_SEED)
    page.goto(f"/practice?seed={PRACTICE_SEED}")
    page.wait_for_selector("body[data-ready]")
    page.click(f'[data-scenario="{PRACTICE_SCENARIO}"]')
    for n in range(2):
        page.wait_for_selector(f'[data-move="{n}"]')
        page.keyboard.press(str(run["moves"][n]["right"] + 1))
        page.wait_for_selector("[data-feedback]")
        page.keyboard.press("Enter")
    page.wait_for_selector("[data-field]:focus")
    page.keyboard.type("3171 0101 0190")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-refusal]:not(:empty)")


def test_screenshot_of_the_practice_room(page: Page, screenshot_dir: Path | None) -> None:
    run = attempt(PRACTICE_SCENARIO, PRACTICE_SEED)
    page.goto(f"/practice?seed={PRACTICE_SEED}")
    page.wait_for_selector("body[data-ready]")
    page.click(f'[data-scenario="{PRACTICE_SCENARIO}"]')
    page.wait_for_selector('[data-move="0"]')
    page.keyboard.press(str(run["moves"][0]["right"] + 1))
    page.wait_for_selector("[data-feedback]")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-move="1"]')
    move = run["moves"][1]
    wrong = next(n for n in range(len(move["choices"])) if n != move["right"])
    page.keyboard.press(str(wrong + 1))
    page.wait_for_selector('[data-feedback="wrong"]')
    _shoot(page, "practice-room", screenshot_dir)
