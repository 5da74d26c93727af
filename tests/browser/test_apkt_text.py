"""The text a CSO pastes into APKT names a stand APP the customer could not give in words,
"tidak diketahui", never as a code or a number (READING.md, 5B)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.support.browser import AGENT
from tests.support.driving import answer_by_key, open_call_screen, start_by_key

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_a_reading_not_known_is_pasted_as_not_known(page: Page) -> None:
    open_call_screen(page, AGENT)
    start_by_key(page, "lebih-tagih")
    answer_by_key(page, "lebih-tagih", "accepts_explanation", "no")
    answer_by_key(page, "lebih-tagih", "meter_reading", "<reading not known>")
    page.wait_for_selector('[data-outcome="APKT_TO_UNIT"]')
    pasted = page.input_value("[data-apkt-text]")
    name = page.inner_text("[data-carries] [data-question-name='meter_reading']")
    assert f"{name}: tidak diketahui" in pasted
    assert "not_known" not in pasted
    assert page.inner_text("[data-carries] dd") == "tidak diketahui"
