"""turun-daya (clause 5A): the NIK asked only for a subsidised tariff, a customer without it at
hand, and the DTKS advice with the whole cekbansos address."""

from __future__ import annotations

import json

import pytest

import sopfsm
from sopfsm.cli import main
from tests.support.calls import run_through, said_text

CEKBANSOS = "https://cekbansos.siks.kemsos.go.id/kemsos/pencarian"


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


def test_turun_daya_to_non_subsidised_never_asks_for_the_nik(
    capsys: pytest.CaptureFixture[str],
) -> None:
    call = run_through("turun-daya", {"target_tariff": "non_subsidized"})
    assert [r.question for r in call.answers] == ["target_tariff"]
    argv = ["run", "turun-daya", "--answer", "target_tariff=non", "--answer", "nik=x"]
    assert (
        main([*argv[:3], "target_tariff=non_subsidized", "--answer", "nik=3171010101900001"]) == 2
    )
    assert "never asks 'nik'" in capsys.readouterr().err


def test_clause_5a2a_explains_dtks_and_dinas_sosial_only_when_the_customer_asks() -> None:
    base = {"target_tariff": "subsidized", "nik": "3171010101900001", "nik_eligible": False}
    asks = said_text(run_through("turun-daya", {**base, "asks_about_eligibility": True}))
    does_not_ask = said_text(run_through("turun-daya", {**base, "asks_about_eligibility": False}))
    for words in ("DTKS", "Dinas Sosial", "Kementerian Sosial", "cekbansos"):
        assert words in asks
    assert "Dinas Sosial" not in does_not_ask
    assert "tidak termasuk" in does_not_ask  # 5A.2a: not a recipient per DTKS
