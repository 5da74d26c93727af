"""Signing in to the call screen with a token: a session cookie the page cannot read,
the agent id (never the token) on screen and in the APKT text, a visible sign-out, and
another agent's call out of reach by its URL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.auth import new_token
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread
from tests.support.driving import answer_by_key, focused, start_by_key

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture
def tokens(tmp_path: Path) -> dict[str, str]:
    made = {agent: new_token(agent, "cso") for agent in ("ana", "budi")}
    (tmp_path / "tokens").write_text(
        "".join(f"{entry.line()}\n" for _, entry in made.values()), encoding="utf-8"
    )
    return {agent: token for agent, (token, _) in made.items()}


@pytest.fixture
def served(tmp_path: Path, tokens: dict[str, str]) -> Iterator[str]:
    assert tokens, "the tokens file is written before the service reads it"
    store = open_store("memory:")
    app = create_app(ServiceConfig(tokens_file=tmp_path / "tokens"), store)
    with ServerThread(app) as url:
        yield url


@pytest.fixture
def screen(browser: Browser, served: str) -> Iterator[Page]:
    context = browser.new_context(base_url=served, locale="id-ID")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=served)
    opened = context.new_page()
    opened.set_default_timeout(30_000)
    yield opened
    context.close()


def sign_in(page: Page, token: str) -> None:
    page.goto("/")
    page.wait_for_selector("body[data-page=signin]")
    assert focused(page, "data-token")
    page.keyboard.type(token)
    page.keyboard.press("Enter")


def test_a_cso_signs_in_and_sees_their_agent_id_and_role_never_the_token(
    screen: Page, tokens: dict[str, str]
) -> None:
    sign_in(screen, tokens["ana"])
    screen.wait_for_selector("[data-start-heading]:focus")
    assert screen.inner_text("[data-me-agent]") == "ana"
    assert "cso" in screen.inner_text("[data-me-role]")
    assert tokens["ana"] not in screen.content()
    assert screen.evaluate("document.cookie") == ""  # HttpOnly: no script reads it
    stored = screen.evaluate("JSON.stringify({...localStorage, ...sessionStorage})")
    assert tokens["ana"] not in stored
    (cookie,) = screen.context.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert tokens["ana"] not in cookie["value"]


def test_an_unknown_token_is_told_on_the_sign_in_page(screen: Page) -> None:
    sign_in(screen, "not-a-token")
    screen.wait_for_selector("[data-signin-refusal]")
    assert "Token tidak dikenal" in screen.inner_text("[data-signin-refusal]")
    assert screen.context.cookies() == []


def test_signing_out_ends_the_session(screen: Page, tokens: dict[str, str]) -> None:
    sign_in(screen, tokens["ana"])
    screen.wait_for_selector("[data-start-heading]:focus")
    screen.click("[data-signout]")
    screen.wait_for_selector("body[data-page=signin]")
    assert screen.context.cookies() == []
    screen.goto("/")
    screen.wait_for_selector("body[data-page=signin]")  # back to signing in


def test_a_cso_cannot_open_another_agents_call_by_its_url(
    screen: Page, served: str, tokens: dict[str, str]
) -> None:
    with httpx.Client(
        base_url=served, headers={"Authorization": f"Bearer {tokens['budi']}"}, timeout=PATIENCE
    ) as budi:
        theirs = budi.post("/v1/calls", json={"sop": "lebih-tagih"}).json()["id"]
    sign_in(screen, tokens["ana"])
    screen.wait_for_selector("[data-start-heading]:focus")
    screen.goto("about:blank")
    screen.goto(f"/#call={theirs}")
    from playwright.sync_api import expect

    # The resume refused, the id left in its field to check (an assertion that polls: the
    # page's CSP forbids evaluating a string, as wait_for_function would).
    expect(screen.locator("[data-resume-field]")).to_have_value(theirs, timeout=30_000)
    assert screen.query_selector("[data-call-id]") is None
    assert "Lanjutkan" in screen.inner_text("[data-call-panel]")


def test_the_apkt_text_names_the_agent_never_the_token(
    screen: Page, tokens: dict[str, str]
) -> None:
    sign_in(screen, tokens["ana"])
    screen.wait_for_selector("[data-start-heading]:focus")
    start_by_key(screen, "lebih-tagih")
    answer_by_key(screen, "lebih-tagih", "accepts_explanation", "no")
    answer_by_key(screen, "lebih-tagih", "meter_reading", "<reading not known>")
    screen.wait_for_selector('[data-outcome="APKT_TO_UNIT"]')
    pasted = screen.input_value("[data-apkt-text]")
    assert "Agen: ana" in pasted
    assert tokens["ana"] not in pasted
    screen.goto("about:blank")
    screen.goto("/")
    screen.wait_for_selector("[data-recent] [data-resume-call]")  # listed by agent id
