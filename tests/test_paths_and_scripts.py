"""A question is asked only where its clause needs it, and each path carries what the clause
tells the CSO to say."""

from __future__ import annotations

import pytest

import sopfsm
from sopfsm.cli import main
from tests.reading import QUESTIONS, combinations


def _run(sop_id: str, answers: dict[str, object]) -> sopfsm.Call:
    call = sopfsm.start(sop_id)
    while call.pending is not None:
        call.answer(call.pending.id, answers[call.pending.id])
    return call


def _asked(sop_id: str) -> list[set[str]]:
    return [{r.question for r in _run(sop_id, a).answers} for a in combinations(sop_id)]


def test_ps_bereavement_never_asks_urgent(capsys: pytest.CaptureFixture[str]) -> None:
    assert all("urgent" not in asked for asked in _asked("ps-bereavement"))
    assert "urgent" not in {q.id for q in sopfsm.get_sop("ps-bereavement").questions}
    assert main(["run", "ps-bereavement", "--answer", "urgent=ya"]) == 2
    assert "urgent" in capsys.readouterr().err


def test_turun_daya_to_non_subsidised_never_asks_for_the_nik(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call = _run("turun-daya", {"target_tariff": "non_subsidized"})
    assert [r.question for r in call.answers] == ["target_tariff"]
    argv = ["run", "turun-daya", "--answer", "target_tariff=non", "--answer", "nik=x"]
    assert (
        main([*argv[:3], "target_tariff=non_subsidized", "--answer", "nik=3171010101900001"]) == 2
    )
    assert "never asks 'nik'" in capsys.readouterr().err


def test_lebih_tagih_asks_the_meter_reading_only_when_the_customer_still_objects() -> None:
    accepts = _run("lebih-tagih", {"accepts_explanation": True})
    objects = _run("lebih-tagih", {"accepts_explanation": False, "meter_reading": 100})
    assert "meter_reading" not in {r.question for r in accepts.answers}
    assert [r.question for r in objects.answers][-1] == "meter_reading"


def _said(call: sopfsm.Call) -> str:
    return " ".join(s.text.id for s in call.said)


def test_clause_1_tells_the_covid_situation_on_every_path() -> None:
    for answers in combinations("niaga-overdue"):
        call = _run("niaga-overdue", answers)
        assert "Covid-19" in _said(call)
        assert call.said[0].per.label == "1a"
        assert "1d" in [s.per.label for s in call.said]
        assert ("RT" in _said(call)) is answers["access_restricted"]


def test_clause_5b_explains_the_three_month_average() -> None:
    for answers in combinations("lebih-tagih"):
        assert "rata-rata 3 bulan" in _said(_run("lebih-tagih", answers))


def test_clause_5a2a_explains_dtks_and_dinas_sosial_only_when_the_customer_asks() -> None:
    base = {"target_tariff": "subsidized", "nik": "3171010101900001", "nik_eligible": False}
    asks = _said(_run("turun-daya", {**base, "asks_about_eligibility": True}))
    does_not_ask = _said(_run("turun-daya", {**base, "asks_about_eligibility": False}))
    for words in ("DTKS", "Dinas Sosial", "Kementerian Sosial", "cekbansos"):
        assert words in asks
    assert "Dinas Sosial" not in does_not_ask
    assert "tidak termasuk" in does_not_ask  # 5A.2a: not a recipient per DTKS


def test_clause_5c_asks_for_coordination_with_the_rt_when_access_is_restricted() -> None:
    restricted = _said(_run("gangguan-persil", {"access_restricted": True}))
    open_access = _said(_run("gangguan-persil", {"access_restricted": False}))
    assert "koordinasi ke RT" in restricted
    assert "RT" not in open_access


def test_clause_2_gives_the_access_warning_when_urgent() -> None:
    urgent = _run("ps-welding", {"urgent": True, "region_scheme": 2})
    assert "penutupan akses oleh pemerintah atau warga setempat" in _said(urgent)
    assert "2" in [s.per.label for s in urgent.said]


@pytest.mark.parametrize("sop_id", QUESTIONS)
def test_every_script_has_both_languages_and_cites_its_source(sop_id: str) -> None:
    for step in sopfsm.get_sop(sop_id).steps:
        assert step.per is not None
        for script in step.says:
            assert script.text.id and script.text.en
            assert script.per is not None
