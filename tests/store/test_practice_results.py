"""Practice results in every store: kept as sent, read back by cohort, kept past a close."""

from __future__ import annotations

import datetime as dt

from sopfsm.store import CallStore, open_store
from sopfsm.store.base import ClauseScore, PracticeResult
from sopfsm.store.migrate import migrations

AT = dt.datetime(2026, 12, 4, 9, 30, 0, 123456, tzinfo=dt.UTC)


def _result(agent: str, cohort: str, *scores: ClauseScore) -> PracticeResult:
    return PracticeResult(
        agent=agent, cohort=cohort, scenario="lebih-tagih:objects=yes", seed=7, at=AT, scores=scores
    )


def test_a_practice_result_comes_back_as_it_was_kept(store: CallStore) -> None:
    sent = _result("ana", "batch-1", ClauseScore("5B", 2, 3), ClauseScore("front", 1, 1))
    kept = store.add_practice_result(sent)
    assert kept.seq >= 1
    assert store.practice_results() == [kept]
    assert kept.scores == sent.scores and kept.at == AT and kept.agent == "ana"


def test_practice_results_are_read_by_cohort_oldest_first(store: CallStore) -> None:
    first = store.add_practice_result(_result("ana", "batch-1", ClauseScore("1", 1, 2)))
    store.add_practice_result(_result("budi", "batch-2", ClauseScore("1", 0, 2)))
    third = store.add_practice_result(_result("cici", "batch-1", ClauseScore("5A", 3, 3)))
    assert store.practice_results("batch-1") == [first, third]
    assert [r.agent for r in store.practice_results()] == ["ana", "budi", "cici"]
    assert store.practice_results("nobody") == []


def test_practice_results_outlive_the_store_that_kept_them(durable_url: str) -> None:
    opened = open_store(durable_url)
    try:
        kept = opened.add_practice_result(_result("ana", "", ClauseScore("5C", 1, 1)))
    finally:
        opened.close()
    reopened = open_store(durable_url)
    try:
        assert reopened.practice_results() == [kept]
    finally:
        reopened.close()


def test_both_dialects_ship_the_practice_results_migration() -> None:
    for dialect in ("sqlite", "postgres"):
        assert [m.label for m in migrations(dialect)][:2] == ["0001_calls", "0002_practice_results"]
