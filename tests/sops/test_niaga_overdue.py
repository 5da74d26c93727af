"""niaga-overdue (clause 1): the Covid-19 situation on every path, and the RT advice promising
an officer only where the report goes to the unit."""

from __future__ import annotations

import pytest

import sopfsm
from tests.support.calls import run_through, said_scripts, said_text
from tests.support.reading import combinations


@pytest.mark.parametrize("urgent", [True, False])
def test_clause_1_rt_advice_promises_an_officer_only_where_the_report_goes_to_the_unit(
    urgent: bool,
) -> None:
    call = sopfsm.start("niaga-overdue").answer("urgent", urgent).answer("access_restricted", True)
    advice = next(s for s in said_scripts(call) if "RT" in s.text.id)
    on_the_way = "tidak ada petugas PLN yang sedang menuju lokasi"
    if urgent:
        assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
        assert on_the_way not in advice.text.id and "on the way" not in advice.text.en
    else:
        assert call.outcome is not None and call.outcome.code == "APKT_ISSUE_CLOSED"
        assert on_the_way in advice.text.id
        assert "no PLN officer is on the way now" in advice.text.en
        assert "petugas PLN yang datang diizinkan masuk" not in advice.text.id


def test_clause_1_tells_the_covid_situation_on_every_path() -> None:
    for answers in combinations("niaga-overdue"):
        call = run_through("niaga-overdue", answers)
        assert "Covid-19" in said_text(call)
        assert call.said[0].per.label == "1a"
        assert "1d" in [s.per.label for s in call.said]
        assert ("RT" in said_text(call)) is answers["access_restricted"]
