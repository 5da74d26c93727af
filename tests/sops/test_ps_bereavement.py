"""ps-bereavement (clause 3): a PS for a funeral is never asked its urgency and can be processed
directly."""

from __future__ import annotations

import pytest

import sopfsm
from sopfsm.cli import main
from tests.support.calls import run_through, said_scripts
from tests.support.reading import combinations


def test_clause_3_says_a_bereavement_ps_can_be_processed_directly() -> None:
    said = said_scripts(sopfsm.start("ps-bereavement"))
    urgent = next(s for s in said if "urgent" in s.text.id)
    assert "dapat langsung diproses" in urgent.text.id
    assert "can be processed directly" in urgent.text.en
    assert "dan langsung diproses" not in urgent.text.id
    assert "is processed directly" not in urgent.text.en


def _asked(sop_id: str) -> list[set[str]]:
    return [{r.question for r in run_through(sop_id, a).answers} for a in combinations(sop_id)]


def test_ps_bereavement_never_asks_urgent(capsys: pytest.CaptureFixture[str]) -> None:
    assert all("urgent" not in asked for asked in _asked("ps-bereavement"))
    assert "urgent" not in {q.id for q in sopfsm.get_sop("ps-bereavement").questions}
    assert main(["run", "ps-bereavement", "--answer", "urgent=ya"]) == 2
    assert "urgent" in capsys.readouterr().err
