"""The practice room in a real Chromium: a whole run with one wrong pick explained."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from sopfsm.service.practice import practice_document

if TYPE_CHECKING:
    from playwright.sync_api import Page

pytestmark = pytest.mark.browser


def test_a_practice_run_with_one_wrong_pick_explained(page: Page) -> None:
    page.goto("/practice")
    page.wait_for_selector("body[data-ready]")
    scenarios = {s["id"]: s for s in practice_document()["scenarios"]}
    first = page.get_attribute("[data-next-scenario]", "data-next-scenario")
    assert first in scenarios
    page.keyboard.press("N")
    scenario = scenarios[first]
    for n, move in enumerate(scenario["moves"]):
        page.wait_for_selector(f'[data-move="{n}"]')
        wrong = next(i for i in range(len(move["choices"])) if i != move["right"])
        page.keyboard.press(str((wrong if n == 0 else move["right"]) + 1))
        feedback = page.wait_for_selector("[data-feedback]")
        assert feedback is not None
        if n == 0:
            assert feedback.get_attribute("data-feedback") == "wrong"
            why = page.inner_text("[data-why]")
            assert move["per"] in why  # the clause that decides it, in its own words
            assert move["why"]["id"] in why
            right = page.inner_text("[data-right-move]")
            shown = move["choices"][move["right"]]
            words = shown["asks"] or (shown["says"][0]["text"] if shown["says"] else None)
            assert (words["id"] if words else shown["outcome"]) in right
        else:
            assert feedback.get_attribute("data-feedback") == "right"
        page.keyboard.press("Enter")
    moves = len(scenario["moves"])
    page.wait_for_selector(f'[data-score="{moves - 1}/{moves}"]')
    clauses = page.query_selector_all("[data-clause-score] [data-clause]")
    assert {c.get_attribute("data-clause") for c in clauses} == {
        m["per"] for m in scenario["moves"]
    }
    left = int(page.get_attribute("[data-not-practised]", "data-not-practised") or "-1")
    assert left == len(scenarios) - 1
    assert page.get_attribute(f'[data-scenario="{first}"]', "data-practised") == "true"
    # Progress lives in this browser alone: a reload still knows the path is practised.
    page.reload()
    page.wait_for_selector(f'[data-scenario="{first}"][data-practised="true"]')
    assert page.get_attribute("[data-next-scenario]", "data-next-scenario") != first
