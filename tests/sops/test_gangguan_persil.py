"""gangguan-persil (clause 5C): coordination with the RT asked for when access is restricted."""

from __future__ import annotations

from tests.support.calls import run_through, said_text


def test_clause_5c_asks_for_coordination_with_the_rt_when_access_is_restricted() -> None:
    restricted = said_text(run_through("gangguan-persil", {"access_restricted": True}))
    open_access = said_text(run_through("gangguan-persil", {"access_restricted": False}))
    assert "koordinasi ke RT" in restricted
    assert "RT" not in open_access
