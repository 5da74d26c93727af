"""Every text is said to the customer, done in an application, or a note for the CSO, and
every screen shows which: a note or an action is never presented as something to say."""

from __future__ import annotations

import io
import json
import re

import pygraphviz
import pytest

import sopfsm
from sopfsm.cli import main
from sopfsm.cli.calls import _interactive
from sopfsm.declare import SCRIPT_KINDS, Script, ScriptKind, do, note
from sopfsm.diagram import booklet_html, to_dot, to_mermaid
from tests.support.reading import combinations

SOPS = sopfsm.all_sops()
WORD = {"said": "Sampaikan", "done": "Lakukan", "note": "Catatan"}


def _scripts(sop_id: str) -> list[Script]:
    return [script for step in sopfsm.get_sop(sop_id).steps for script in step.says]


def test_the_three_kinds_are_the_names_the_sop_files_use() -> None:
    assert SCRIPT_KINDS == ("said", "done", "note")
    assert do(sopfsm.clause("1e"), id="Kirim", en="Send").kind == "done"
    assert note(sopfsm.clause("1e"), id="x", en="x").kind is ScriptKind.NOTE
    with pytest.raises(TypeError):
        Script(sopfsm.Text(id="x", en="x"), sopfsm.clause("1e"))  # type: ignore[call-arg]
    with pytest.raises(ValueError, match="'spoken'"):
        Script(sopfsm.Text(id="x", en="x"), sopfsm.clause("1e"), "spoken")


def test_the_nik_of_a_lower_subsidised_power_is_a_note_and_never_said() -> None:
    texts = {s.text.id: s.kind for s in _scripts("turun-daya")}
    lower = next(t for t in texts if "daya subsidi lebih rendah" in t)
    assert texts[lower] is ScriptKind.NOTE
    check = next(t for t in texts if t.startswith("Cek No NIK"))
    assert texts[check] is ScriptKind.DONE


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
def test_sending_closing_and_checking_are_done_and_never_mixed_with_what_is_said(
    sop: sopfsm.SopSpec,
) -> None:
    for script in _scripts(sop.sop_id):
        text = script.text.id
        action = re.search(r"(^|: )(Kirim|Tutup|Buat|Cek|Teruskan)", text, re.I)
        assert (script.kind is ScriptKind.DONE) is bool(action), text
        # A mixed text ("Kirim laporan ... dan sampaikan kepada Pelanggan") is two scripts.
        assert not (action and "sampaikan" in text.casefold()), text


def test_each_path_that_sends_or_closes_the_report_says_so_to_the_customer() -> None:
    for answers in combinations("niaga-overdue"):
        call = sopfsm.start("niaga-overdue")
        while call.pending is not None:
            call.answer(call.pending.id, answers[call.pending.id])
        kinds = [s.kind for s in call.said]
        assert kinds[-2:] == [ScriptKind.DONE, ScriptKind.SAID]


def test_run_json_gives_the_kind_of_each_script(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["run", "turun-daya", "--answer", "target_tariff=subsidi", "--answer"]
    assert main([*argv, "nik=3171010101900001", "--answer", "nik_eligible=ya", "--json"]) == 0
    scripts = json.loads(capsys.readouterr().out)["scripts"]
    declared = [
        s.kind.value
        for step in ("ask_nik", "ask_nik_eligible", "recipient_to_unit")
        for s in sopfsm.get_sop("turun-daya").step(step).says
    ]
    assert [s["kind"] for s in scripts] == declared
    assert {s["kind"] for s in scripts} == {"said", "done", "note"}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_the_cli_text_shows_each_script_under_the_word_of_its_kind(
    capsys: pytest.CaptureFixture[str], lang: sopfsm.Lang
) -> None:
    words = {"said": ("Sampaikan", "Say"), "done": ("Lakukan", "Do"), "note": ("Catatan", "Note")}
    index = 0 if lang == "id" else 1
    argv = ["run", "turun-daya", "--answer", "target_tariff=subsidi", "--lang", lang]
    assert main([*argv, "--answer", "nik=3171010101900001", "--answer", "nik_eligible=ya"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        main([*argv, "--json", "--answer", "nik=3171010101900001", "--answer", "nik_eligible=ya"])
        == 0
    )
    scripts = json.loads(capsys.readouterr().out)["scripts"]
    for line, script in zip(lines, scripts, strict=False):
        assert line.startswith(f"[{script['step']}] {words[script['kind']][index]}: "), line


def test_the_interactive_call_never_tells_the_cso_to_say_a_note_or_an_action() -> None:
    out = io.StringIO()
    answers = io.StringIO("subsidi\n3171010101900001\nya\n")
    _interactive(sopfsm.start("turun-daya"), "id", answers, out)
    lines = out.getvalue().replace("Jawaban> ", "\n").splitlines()
    said = [line for line in lines if line.startswith("Sampaikan:")]
    for script in _scripts("turun-daya"):
        if script.kind is not ScriptKind.SAID:
            assert not any(script.text.id in line for line in said), script.text.id
    assert any(line.startswith("Catatan: Pelanggan daya subsidi") for line in lines)
    assert any(line.startswith("Lakukan: Cek No NIK") for line in lines)


def test_show_gives_the_kind_of_every_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["show", "turun-daya"]) == 0
    text = capsys.readouterr().out
    assert "  Catatan (A:subsidised-to-lower-subsidised): Pelanggan daya subsidi" in text
    assert "  Lakukan (5A.2): Cek No NIK" in text
    assert main(["show", "turun-daya", "--json"]) == 0
    steps = json.loads(capsys.readouterr().out)["steps"]
    assert {s["kind"] for step in steps for s in step["says"]} == set(SCRIPT_KINDS)


@pytest.mark.parametrize("sop", SOPS, ids=lambda s: s.sop_id)
def test_flowcharts_draw_each_kind_under_its_own_word(sop: sopfsm.SopSpec) -> None:
    graph = pygraphviz.AGraph(string=to_dot(sop, "id"))
    drawn = [s for s in sop.steps if "__" not in s.id]  # a front door's own steps
    for step in drawn:
        box = f"{step.id}__says" if step.asks is not None and step.says else step.id
        label = graph.get_node(box).attr["label"]
        for script in step.says:
            assert f"{WORD[script.kind]} [{script.per.label}]:" in label
    used = {script.kind.value for step in drawn for script in step.says}
    legend = graph.graph_attr["label"]
    for kind, word in WORD.items():
        assert (word in legend) is (kind in used), (kind, sop.sop_id)
    mermaid = to_mermaid(sop, "id")
    for script in (script for step in drawn for script in step.says):
        assert f"{WORD[script.kind]} [{script.per.label}]" in mermaid


def test_the_booklet_lists_notes_and_actions_apart_from_what_is_said() -> None:
    html = booklet_html([sopfsm.get_sop("turun-daya")], "id")
    assert re.search(r'<li class="note"><i><b>Catatan:</b> Pelanggan daya subsidi', html)
    assert re.search(r'<li class="done"><b>Lakukan:</b> Cek No NIK', html)
    assert not re.search(r"<b>Sampaikan:</b> (Kirim|Tutup|Cek|Pelanggan daya subsidi)", html)
