"""How the tests drive the call screen: by keys, finding elements by their data-* marks."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sopfsm.catalogue import get_sop
from sopfsm.views import sample_of

if TYPE_CHECKING:
    from playwright.sync_api import Page

# What a CSO types for a field's answer class; other classes type the core's sample.
TYPED = {
    "<valid NIK>": "3171 0101 0190 0001",
    "<no NIK at hand>": "tidak ada",
    "<valid reading>": "12.345,5",
    "<reading not known>": "tidak tahu",
}


def open_call_screen(page: Page, agent: str) -> None:
    """Load ``/`` and sign in by keyboard, as a CSO does on a new browser (in dev mode
    the token names its agent)."""
    page.goto("/")
    page.wait_for_selector("body[data-page=signin]")
    # The page marks itself ready before the browser has moved focus to the field.
    page.wait_for_selector("[data-token]:focus")
    assert focused(page, "data-token"), "a new browser starts at the sign-in token field"
    page.keyboard.type(agent)
    page.keyboard.press("Enter")
    # Focus on the heading, not a start button: Enter on the start screen starts nothing.
    page.wait_for_selector("[data-start-heading]:focus")
    keys_ready(page)


def keys_ready(page: Page) -> None:
    """Wait until the screen takes keys again: a key just after a move is ignored."""
    page.wait_for_selector("body[data-keys-ready]", state="attached")


def key_of(page: Page, selector: str) -> str:
    """The first key shown on the element ``selector`` (its data-key)."""
    keys = page.get_attribute(selector, "data-key")
    assert keys, f"{selector} shows no key"
    return keys.split()[0]


def start_by_key(page: Page, sop_id: str) -> str:
    """Start ``sop_id`` from the start screen with its key; the new call's id."""
    keys_ready(page)
    page.keyboard.press(key_of(page, f'[data-start="{sop_id}"]'))
    page.wait_for_selector("[data-call-id]")
    keys_ready(page)
    return page.inner_text("[data-call-id]")


def answer_by_key(page: Page, sop_id: str, question_id: str, class_label: str) -> None:
    """Answer the pending question with the keyboard alone: its key, or type and Enter."""
    page.wait_for_selector(f'[data-question="{question_id}"]')
    keys_ready(page)
    revision = int(page.get_attribute("[data-step]", "data-revision") or "-1")
    button = f'[data-answer][data-class="{class_label}"][data-key]'
    if page.query_selector(button) is not None:
        page.keyboard.press(key_of(page, button))
    else:  # typed into the field, even an answer that also has an unkeyed button
        assert focused(page, "data-field"), "a field question takes focus in its field"
        question = get_sop(sop_id).question(question_id)
        assert question is not None
        page.keyboard.type(TYPED.get(class_label) or str(sample_of(question.kind, class_label)))
        page.keyboard.press("Enter")
    page.wait_for_selector(f'[data-step][data-revision="{revision + 1}"]', state="attached")
    keys_ready(page)


def focused(page: Page, attribute: str) -> bool:
    return bool(page.evaluate(f"document.activeElement?.hasAttribute('{attribute}')"))


def focus_in_panel(page: Page) -> bool:
    """Focus is on a control of the call panel, never lost to the page's body."""
    return bool(
        page.evaluate(
            "document.activeElement !== document.body"
            " && !!document.activeElement.closest('[data-call-panel]')"
        )
    )
