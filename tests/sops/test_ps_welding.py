"""ps-welding (clause 2): the access warning when the PS is urgent."""

from __future__ import annotations

from tests.support.calls import run_through, said_text


def test_clause_2_gives_the_access_warning_when_urgent() -> None:
    urgent = run_through("ps-welding", {"urgent": True, "region_scheme": 2})
    assert "penutupan akses oleh pemerintah atau warga setempat" in said_text(urgent)
    assert "2" in [s.per.label for s in urgent.said]
