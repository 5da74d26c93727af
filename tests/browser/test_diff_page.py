"""The page of what changed between two SOP versions, in a real browser: both flowcharts
side by side with what changed marked, nothing fetched but the page itself, and its
screenshot for the documentation (docs/screens/diff-page.png)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from sopfsm.diagram import CHANGED_COLOUR
from tests.support.browser import ROOT, VIEWPORT, shoot_screen

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

PAGE = ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.diff.html"


def test_screenshot_of_the_diff_page(browser: Browser, screenshot_dir: Path | None) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT, locale="en-GB")
    page = context.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(PAGE.as_uri())
        old, new = page.locator('[data-chart="old"]'), page.locator('[data-chart="new"]')
        expect(old.locator("svg")).to_be_visible()
        expect(new.locator("svg")).to_be_visible()
        left, right = old.bounding_box(), new.bounding_box()
        assert left is not None and right is not None
        assert left["x"] + left["width"] <= right["x"]  # side by side
        assert abs(left["y"] - right["y"]) < 1
        for chart in (old, new):  # the update's changed steps, framed on both charts
            marked = chart.locator(f'g.node:has([stroke="{CHANGED_COLOUR}"]) > title')
            assert sorted(marked.all_text_contents()) == [
                "closed",
                "explain_policy",
                "explain_policy__says",
            ]
        expect(page.locator('[data-step="explain_policy"]')).to_be_visible()
        shoot_screen(page, "diff-page", screenshot_dir)
    finally:
        context.close()
    assert requested == [PAGE.as_uri()], "the page fetched something besides itself"
    assert errors == []
