"""The smaller misstatements of the first reading, fixed in both languages, each read from
the script a CSO is given."""

from __future__ import annotations

import json

import pytest

import sopfsm
from sopfsm.cli import main

CEKBANSOS = "https://cekbansos.siks.kemsos.go.id/kemsos/pencarian"


def _said(call: sopfsm.Call) -> list[sopfsm.Script]:
    return [s for s in call.said if s.kind == "said"]


def test_clause_3_says_a_bereavement_ps_can_be_processed_directly() -> None:
    said = _said(sopfsm.start("ps-bereavement"))
    urgent = next(s for s in said if "urgent" in s.text.id)
    assert "dapat langsung diproses" in urgent.text.id
    assert "can be processed directly" in urgent.text.en
    assert "dan langsung diproses" not in urgent.text.id
    assert "is processed directly" not in urgent.text.en


@pytest.mark.parametrize("urgent", [True, False])
def test_clause_1_rt_advice_promises_an_officer_only_where_the_report_goes_to_the_unit(
    urgent: bool,
) -> None:
    call = sopfsm.start("niaga-overdue").answer("urgent", urgent).answer("access_restricted", True)
    advice = next(s for s in _said(call) if "RT" in s.text.id)
    on_the_way = "tidak ada petugas PLN yang sedang menuju lokasi"
    if urgent:
        assert call.outcome is not None and call.outcome.code == "APKT_TO_UNIT"
        assert on_the_way not in advice.text.id and "on the way" not in advice.text.en
    else:
        assert call.outcome is not None and call.outcome.code == "APKT_ISSUE_CLOSED"
        assert on_the_way in advice.text.id
        assert "no PLN officer is on the way now" in advice.text.en
        assert "petugas PLN yang datang diizinkan masuk" not in advice.text.id


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_dtks_advice_gives_the_whole_cekbansos_address(
    lang: sopfsm.Lang, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "turun-daya", "--json", "--lang", lang, "--answer", "target_tariff=subsidi"]
    argv += ["--answer", "nik=3171010101900001", "--answer", "nik_eligible=tidak"]
    assert main([*argv, "--answer", "asks_about_eligibility=ya"]) == 0
    scripts = json.loads(capsys.readouterr().out)["scripts"]
    dtks = next(s for s in scripts if "Dinas Sosial" in s["text"])
    assert dtks["kind"] == "said"
    assert CEKBANSOS in dtks["text"]


@pytest.mark.parametrize("no_nik", ["tidak ada", "Tidak Ada", "none", "not_at_hand"])
def test_a_customer_with_no_nik_at_hand_can_ask_again_with_it(
    no_nik: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["run", "turun-daya", "--json", "--answer", "target_tariff=subsidi"]
    assert main([*argv, "--answer", f"nik={no_nik}"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["outcome"]["code"] == "APKT_ISSUE_CLOSED"
    assert data["path"] == ["ask_target_tariff", "ask_nik", "closed_no_nik"]
    kinds = [(s["kind"], s["per"]) for s in data["scripts"] if s["step"] == "closed_no_nik"]
    assert kinds == [("said", "A:nik-not-at-hand"), ("done", "A:nik-not-at-hand")]
    said = next(s["text"] for s in data["scripts"] if s["step"] == "closed_no_nik")
    assert "diajukan kembali dengan menyebutkan NIK" in said


def test_no_nik_at_hand_is_never_taken_for_a_nik_to_check() -> None:
    call = sopfsm.start("turun-daya").answer("target_tariff", "subsidi")
    call.answer("nik", "tidak ada")
    assert "nik_eligible" not in [r.question for r in call.answers]
    assert sopfsm.get_sop("turun-daya").question("nik") is not None
    with pytest.raises(sopfsm.InvalidAnswer):
        sopfsm.start("turun-daya").answer("target_tariff", "subsidi").answer("nik", "mungkin")
