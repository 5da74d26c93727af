"""The practice room teaches: no key is a shortcut, wrong moves come from the same clause,
a wrong pick is explained by the document's own sentence, and scores are named by clause."""

from __future__ import annotations

import statistics

import pytest

from sopfsm.assumptions import ASSUMPTIONS
from sopfsm.catalogue import get_sop
from sopfsm.clauses import CLAUSES
from sopfsm.compose import part_of
from sopfsm.service.practice import (
    CLAUSE_NAMES,
    TEMPTING,
    attempt,
    practice_document,
    quotable,
    sentences,
)

SCENARIOS = practice_document()["scenarios"]
SCENARIOS_BY_ID = {s["id"]: s for s in SCENARIOS}
SEEDS = range(40)
MARGIN = 0.04  # 40 seeds x 169 moves: a fixed key's rate strays from chance by ~0.01


def _moves() -> list[dict[str, object]]:
    return [m for s in SCENARIOS for m in s["moves"]]


@pytest.mark.parametrize("key", [1, 2, 3])
def test_no_fixed_key_scores_above_chance(key: int) -> None:
    chance = statistics.mean(1 / len(m["choices"]) for m in _moves())  # type: ignore[arg-type]
    right = total = 0
    for seed in SEEDS:
        for entry in SCENARIOS:
            for move in attempt(entry["id"], seed)["moves"]:
                total += 1
                right += move["right"] == key - 1
    assert right / total <= chance + MARGIN, f"always {key}: {right / total:.2f} > {chance:.2f}"


def test_a_key_is_a_shortcut_without_the_shuffle() -> None:
    # The check above is not vacuous: unshuffled, key 1 is always right.
    assert all(m["right"] == 0 for m in _moves())


def test_an_attempt_replays_from_its_seed_and_seeds_differ() -> None:
    entry = SCENARIOS[0]["id"]
    assert attempt(entry, 5) == attempt(entry, 5)
    orders = {
        tuple(m["right"] for m in attempt(s["id"], seed)["moves"])
        for s in SCENARIOS
        for seed in (1, 2)
    }
    assert len(orders) > len(SCENARIOS)  # the same scenario, another seed, another order
    shuffled = attempt(entry, 5)
    for move, plain in zip(shuffled["moves"], SCENARIOS[0]["moves"], strict=True):
        assert move["choices"][move["right"]] == plain["choices"][plain["right"]]


def test_wrong_moves_come_from_the_same_sop_and_clause() -> None:
    for entry in SCENARIOS:
        sop = get_sop(entry["sop"])
        for move, step_id in zip(entry["moves"], entry["steps"], strict=True):
            for n, choice in enumerate(move["choices"]):
                if n == move["right"]:
                    continue
                for name in choice["steps"]:
                    if name.startswith("tempting-"):
                        assert sop.clause in TEMPTING
                        continue
                    assert sop.has_step(name), f"{entry['id']}: {name} is another SOP's"
                    at = move["at"]
                    siblings = {b.target for b in sop.branches_from(at)} if at else set()
                    assert name in siblings or part_of(name) == part_of(step_id)


def test_every_move_offers_a_real_choice() -> None:
    assert all(len(m["choices"]) >= 2 for m in _moves())  # type: ignore[arg-type]
    unit = next(s for s in SCENARIOS if s["sop"] == "unit-request")
    assert len(unit["moves"][0]["choices"]) == 3  # clause 4's one step, and what it forbids


def test_a_wrong_pick_is_explained_by_a_sentence_of_the_document_never_a_heading() -> None:
    for entry in SCENARIOS:
        for move in entry["moves"]:
            why = move["why"]
            quote = why["quote"]["id"].removesuffix(" …")
            assert not quote.endswith(":"), f"{entry['id']}: a heading: {quote}"
            assert quote != "Satu jawaban ya/tidak."
            if why["from"].startswith("A:"):
                assert quote == ASSUMPTIONS[why["from"][2:]].decision.id
            else:
                assert quote in CLAUSES[why["from"]].id
                assert why["quote"]["en"].removesuffix(" …") in CLAUSES[why["from"]].en


def test_the_quote_is_the_sentence_that_decides_the_move() -> None:
    entry = next(s for s in SCENARIOS if s["id"] == "lebih-tagih:accepts_explanation=yes")
    assert entry["moves"][-1]["why"]["quote"]["id"] == (
        "Jika Pelanggan menerima, maka buat APKT ISSUE CLOSED."
    )
    refused = next(s for s in SCENARIOS if s["id"].startswith("lebih-tagih:accepts_explanation=no"))
    assert refused["moves"][2]["why"]["quote"]["id"].startswith("Jika tetap berkeberatan")
    not_recipient = next(
        s for s in SCENARIOS if s["sop"] == "turun-daya" and "nik_eligible=no" in s["id"]
    )
    assert "tidak termasuk" in not_recipient["moves"][3]["why"]["quote"]["id"]


def test_a_clause_heading_is_quoted_by_its_condition_not_its_colon() -> None:
    assert sentences(CLAUSES["5B"].id)[1] == "Jika Pelanggan menerima, maka buat APKT ISSUE CLOSED."
    assert all(s[-3:] != "No." for s in sentences(CLAUSES["5A.2a"].id))  # "No. NIK" ends none
    heading = quotable(CLAUSES["1"].id)
    assert heading.endswith("melebihi waktu TMP penyambungan …")
    assert "antara lain" not in heading
    assert quotable("Tanyakan ini.") == "Tanyakan ini."


def test_every_move_is_scored_under_a_named_clause() -> None:
    names = practice_document()["clauses"]
    assert set(names) == set(CLAUSE_NAMES)
    for entry in SCENARIOS:
        for move in entry["moves"]:
            assert move["clause"] in names
            if move["per"] and not move["per"].startswith("A:"):
                assert move["per"].startswith(move["clause"])
    assert names["5B"]["id"] == "5B Lebih Tagih"
    used = {m["clause"] for m in _moves()}
    assert used == set(CLAUSE_NAMES)


def test_the_customer_answers_only_what_was_asked() -> None:
    # Each answer is carried by the move after the question it answers, so the page can
    # show it only then; and the question is the right move's own ask.
    for entry in SCENARIOS:
        assert entry["moves"][0]["heard"] is None
        for before, move, line in zip(
            entry["moves"][:-1], entry["moves"][1:], entry["story"][1:], strict=True
        ):
            assert move["heard"] == line
            assert before["choices"][before["right"]]["asks"] is not None


def test_the_nik_and_the_reading_are_typed_as_the_customer_gave_them() -> None:
    typed = [(s["id"], m["typed"]) for s in SCENARIOS for m in s["moves"] if m["typed"]]
    assert {t["question"] for _, t in typed} == {"nik", "meter_reading"}
    for scenario_id, item in typed:
        question = get_sop(item["sop"]).question(item["question"])
        assert question is not None
        assert question.coerce(item["said"]) == item["value"], scenario_id
        assert item["said"] in next(
            m["heard"]["id"]
            for s in SCENARIOS
            if s["id"] == scenario_id
            for m in s["moves"]
            if m["typed"]
        )
    no_nik = [s for s in SCENARIOS if "no NIK" in s["id"]]
    assert no_nik and all(m["typed"] is None for s in no_nik for m in s["moves"])
