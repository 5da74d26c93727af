"""The practice room in a real Chromium: a run with a wrong pick explained by the document's
sentence, facts hidden until the trainee asks, a typed NIK refused then accepted, and the
trainer's view of a cohort by clause."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from sopfsm.catalogue import get_sop
from sopfsm.errors import InvalidAnswer
from sopfsm.service.practice import CLAUSE_NAMES, attempt, practice_document

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser

SEED = 11
SCENARIOS = {s["id"]: s for s in practice_document()["scenarios"]}
RECIPIENT = "turun-daya:target_tariff=subsidized,nik=<valid NIK>,nik_eligible=yes"


def _type_what_was_said(page: Page, move: dict[str, Any]) -> None:
    page.fill("[data-field]", move["typed"]["said"])
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-typed-ok]")


def _open(page: Page, scenario_id: str, seed: int = SEED) -> dict[str, Any]:
    """Start ``scenario_id`` as attempt ``seed``; the attempt as the service drew it."""
    page.goto(f"/practice?seed={seed}")
    page.wait_for_selector("body[data-ready]")
    page.click(f'[data-scenario="{scenario_id}"]')
    page.wait_for_selector('[data-move="0"]')
    assert page.get_attribute("[data-seed]", "data-seed") == str(seed)
    return attempt(scenario_id, seed)


def test_a_run_with_a_wrong_pick_explained_by_the_documents_sentence(page: Page) -> None:
    page.goto(f"/practice?seed={SEED}")
    page.wait_for_selector("body[data-ready]")
    first = page.get_attribute("[data-next-scenario]", "data-next-scenario") or ""
    assert first in SCENARIOS
    page.keyboard.press("N")
    run = attempt(first, SEED)
    for n, move in enumerate(run["moves"]):
        page.wait_for_selector(f'[data-move="{n}"]')
        # The order on the screen is the attempt's: the service's draw for this seed.
        shown = page.locator("[data-choice]").all_inner_texts()
        assert len(shown) == len(move["choices"])
        right = move["choices"][move["right"]]
        words = right["asks"] or (right["says"][0]["text"] if right["says"] else None)
        assert (words["id"] if words else right["outcome"]) in shown[move["right"]]
        wrong = next(i for i in range(len(move["choices"])) if i != move["right"])
        page.keyboard.press(str((wrong if n == 0 else move["right"]) + 1))
        feedback = page.wait_for_selector("[data-feedback]")
        assert feedback is not None
        if n == 0:
            assert feedback.get_attribute("data-feedback") == "wrong"
            why = page.inner_text("[data-why]")
            assert f"“{move['why']['quote']['id']}”" in why  # quoted, whole
            assert not why.rstrip("”").endswith(":")
            plain = page.inner_text("[data-plain]")  # and said in plain words
            assert (right["asks"]["id"] if right["asks"] else right["outcome"]) in plain
            assert (words["id"] if words else right["outcome"]) in page.inner_text(
                "[data-right-move]"
            )
        else:
            assert feedback.get_attribute("data-feedback") == "right"
        page.keyboard.press("Enter")
    moves = len(run["moves"])
    page.wait_for_selector(f'[data-score="{moves - 1}/{moves}"]')
    rows = page.query_selector_all("[data-clause-score] [data-clause]")
    assert {r.get_attribute("data-clause") for r in rows} == {m["clause"] for m in run["moves"]}
    for row in rows:  # titled by the clause's name, never a bare code
        key = row.get_attribute("data-clause") or ""
        assert CLAUSE_NAMES[key].id in row.inner_text()
    left = int(page.get_attribute("[data-not-practised]", "data-not-practised") or "-1")
    assert left == len(SCENARIOS) - 1
    assert page.get_attribute(f'[data-scenario="{first}"]', "data-practised") == "true"
    # Progress lives in this browser: a reload still knows the path is practised.
    page.reload()
    page.wait_for_selector(f'[data-scenario="{first}"][data-practised="true"]')
    assert page.get_attribute("[data-next-scenario]", "data-next-scenario") != first


def test_the_customer_answers_only_what_was_asked(page: Page) -> None:
    run = _open(page, RECIPIENT)
    later = ["Subsidi", "3171010101900001", "terdaftar sebagai penerima"]
    story = page.inner_text("[data-story]")
    assert not any(fact in story for fact in later)
    # Neither the path nor its outcome is on the page before the run is over.
    assert "APKT_TO_UNIT" not in page.inner_text("[data-story]") + page.inner_text(".meta")
    assert "→" not in page.inner_text("[data-scenario-list]")
    for n, move in enumerate(run["moves"][:-1]):
        page.keyboard.press(str(move["right"] + 1))
        page.wait_for_selector("[data-feedback]")
        page.keyboard.press("Enter")
        page.wait_for_selector(f'[data-heard="{n + 1}"]')
        story = page.inner_text("[data-story]")
        told = run["moves"][n + 1]["heard"]["id"]
        assert told in story  # the answer to what was just asked ...
        for after in run["moves"][n + 2 :]:
            assert after["heard"]["id"] not in story  # ... and nothing after it
        if run["moves"][n + 1]["typed"]:
            _type_what_was_said(page, run["moves"][n + 1])


def test_a_mistyped_nik_is_refused_with_the_call_apis_words_then_accepted(page: Page) -> None:
    run = _open(page, RECIPIENT)
    typed_at = next(n for n, m in enumerate(run["moves"]) if m["typed"])
    for n in range(typed_at):
        page.keyboard.press(str(run["moves"][n]["right"] + 1))
        page.wait_for_selector("[data-feedback]")
        page.keyboard.press("Enter")
    page.wait_for_selector('[data-typed="nik"] [data-field]:focus')
    assert page.query_selector("[data-choice]") is None  # the NIK first, then the next move
    question = get_sop("turun-daya").question("nik")
    assert question is not None
    with pytest.raises(InvalidAnswer) as refused:
        question.coerce("3171 0101 0190")
    page.keyboard.type("3171 0101 0190")
    page.keyboard.press("Enter")
    page.wait_for_selector("[data-refusal]:not(:empty)")
    assert page.inner_text("[data-refusal]") == refused.value.message("id")
    assert page.get_attribute("[data-field]", "aria-invalid") == "true"
    page.fill("[data-field]", "3171 0101 0190 0002")  # a NIK, but not the customer's
    page.keyboard.press("Enter")
    # A locator, not wait_for_function: the page's CSP forbids evaluating a string.
    page.locator("[data-refusal]", has_text="bukan yang disebutkan").wait_for()
    _type_what_was_said(page, run["moves"][typed_at])
    page.wait_for_selector(f'[data-move="{typed_at}"] [data-choice]')
    for n in range(typed_at, len(run["moves"])):
        page.wait_for_selector(f'[data-move="{n}"]')
        page.keyboard.press(str(run["moves"][n]["right"] + 1))
        page.wait_for_selector("[data-feedback]")
        page.keyboard.press("Enter")
    # The typed NIK counts once, wrong: the first try was refused.
    moves = len(run["moves"]) + 1
    page.wait_for_selector(f'[data-score="{moves - 1}/{moves}"]')


def sign_in_from_the_practice_room(page: Page, token: str) -> None:
    """Follow the practice room's sign-in link, give ``token`` (in dev mode it names its
    agent), and come back to the practice room, signed in."""
    page.goto("/practice")
    page.wait_for_selector("body[data-ready]")
    page.click("[data-signin-link]")
    page.wait_for_selector("[data-token]:focus")
    page.keyboard.type(token)
    page.keyboard.press("Enter")
    page.wait_for_selector("body[data-page=practice][data-ready]")


def test_the_practice_room_signs_in_by_session_and_keeps_no_token(page: Page) -> None:
    page.goto("/practice")
    page.wait_for_selector("body[data-ready]")
    assert page.is_visible("[data-signin-link]") and not page.is_visible("[data-signout]")
    assert page.get_attribute("[data-signin-link]", "href") == "/signin?next=/practice"
    sign_in_from_the_practice_room(page, "trainee-2")
    assert page.url.endswith("/practice")
    assert page.inner_text("[data-me-agent]") == "trainee-2"
    assert page.is_visible("[data-signout]") and not page.is_visible("[data-signin-link]")
    assert page.query_selector("[data-agent]") is None  # no field for a token
    stored = page.context.storage_state()["origins"]
    assert "trainee-2" not in str([o.get("localStorage") for o in stored])
    page.click("[data-signout]")
    page.wait_for_selector("body[data-page=signin]")
    page.goto("/practice")
    page.wait_for_selector("body[data-ready]")
    assert page.is_visible("[data-signin-link]")


def test_a_trainer_sees_the_cohorts_results_by_clause(page: Page) -> None:
    sign_in_from_the_practice_room(page, "trainee-1")
    page.goto(f"/practice?seed={SEED}")
    page.wait_for_selector("body[data-ready]")
    page.fill("[data-cohort]", "kelas-april")
    scenario = next(s for s in SCENARIOS.values() if s["sop"] == "unit-request")
    page.click(f'[data-scenario="{scenario["id"]}"]')
    page.wait_for_selector('[data-move="0"]')
    run = attempt(scenario["id"], SEED)
    page.keyboard.press(str(run["moves"][0]["right"] + 1))
    page.wait_for_selector("[data-feedback]")
    page.keyboard.press("Enter")
    page.wait_for_selector('[data-sent="sent"]')
    page.click("[data-open-trainer]")
    page.wait_for_selector('[data-trainer="kelas-april"]')
    row = page.wait_for_selector('[data-clause-score] [data-clause="4"]')
    assert row is not None
    assert CLAUSE_NAMES["4"].id in row.inner_text()
    assert "1 / 1" in row.inner_text()
