"""The documentation's "Writing a SOP" (docs/sop-files.md): its example file, audit
output, flowchart and refused draft are what sopfsm does with the committed files; a file
SOP cites its own document, and works wherever a SOP id does."""

from __future__ import annotations

import json
import re
from pathlib import Path

import attrs
import pytest

import sopfsm
from sopfsm.audit import audit
from sopfsm.cli import main
from sopfsm.formats.kinds import QUESTION_TYPES
from sopfsm.formats.load import load_sop
from sopfsm.formats.yaml import read_yaml, sop_to_yaml
from sopfsm.machine import build_machine
from sopfsm.model import spec_of
from sopfsm.provenance import Clause

ROOT = Path(__file__).parent.parent.parent
EXAMPLE = "docs/examples/token-tidak-masuk.yaml"
DRAFT = "docs/examples/draft-with-mistakes.yaml"


@pytest.fixture(autouse=True)
def _from_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)  # the page's commands run from the project's root


def _section() -> str:
    return (ROOT / "docs" / "sop-files.md").read_text("utf-8")


def _block(language: str, after: str = "") -> str:
    found = re.search(rf"{re.escape(after)}.*?```{language}\n(.*?)```", _section(), re.DOTALL)
    assert found is not None, (language, after)
    return found.group(1)


def test_the_page_shows_the_example_file_as_committed() -> None:
    assert _block("yaml") == (ROOT / EXAMPLE).read_text("utf-8")


def test_the_page_audit_output_is_the_audit_of_the_example(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shown = _block("console")
    command, _, rest = shown.partition("\n")
    assert command == f"$ sopfsm audit {EXAMPLE}"
    assert main(["audit", EXAMPLE]) == 0
    printed = capsys.readouterr().out
    assert rest.startswith(printed)
    assert "paths: 5" in printed and "1 SOPs audited; all checks pass" in printed


def test_the_committed_flowchart_is_what_render_draws(tmp_path: Path) -> None:
    assert "![The flowchart of token-tidak-masuk](examples/token-tidak-masuk.svg)" in (_section())
    assert main(["render", EXAMPLE, "--format", "svg", "--out", str(tmp_path)]) == 0
    drawn = (tmp_path / "token-tidak-masuk.svg").read_bytes()
    assert (ROOT / "docs/examples/token-tidak-masuk.svg").read_bytes() == drawn, (
        f"stale; run: sopfsm render {EXAMPLE} --format svg --out docs/examples"
    )


def test_the_page_refusal_is_what_the_draft_gets(capsys: pytest.CaptureFixture[str]) -> None:
    shown = _block("console", after="draft-with-mistakes.yaml):")
    assert main(["audit", DRAFT]) == 2
    assert shown == f"$ sopfsm audit {DRAFT}\n" + capsys.readouterr().err
    assert len(re.findall(rf"^{re.escape(DRAFT)}:\d+:\d+: ", shown, re.MULTILINE)) == 3


def test_the_page_names_the_question_types_and_the_editor_setting() -> None:
    section = _section()
    for name in QUESTION_TYPES:
        assert f"`{name}`" in section
    for code in sopfsm.OUTCOME_CODES:
        assert f"`{code}`" in section
    settings = json.loads(_block("json"))
    (schema, patterns), *_ = settings["yaml.schemas"].items()
    assert (ROOT / schema).is_file() and "docs/sops/*.yaml" in patterns
    assert (
        (ROOT / EXAMPLE)
        .read_text("utf-8")
        .startswith("# yaml-language-server: $schema=../sop.schema.json\n")
    )


def test_a_file_of_another_document_cites_its_own_clauses_and_the_audit_checks_them() -> None:
    sop = load_sop(EXAMPLE)
    cited = {step.per for step in sop.steps}
    assert all(isinstance(p, Clause) and p.text is not None for p in cited if p is not None)
    assert audit(sop).check("provenance").passed
    # The same SOP citing a clause its document lacks: the audit's provenance check fails.
    steps = [attrs.evolve(s, per=Clause("9z")) if s.initial else s for s in sop.steps]
    broken = build_machine(
        sop_id=sop.sop_id,
        clause=sop.clause,
        title=sop.title,
        steps=steps,
        branches=sop.branches,
        version=sop.version,
        source=sop.source,
    )
    (finding,) = audit(spec_of(broken)).check("provenance").findings
    assert "ask_token_entered" in finding.message and "9z" in finding.message


def test_a_path_works_wherever_the_command_line_takes_a_sop_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = ["--answer=token_entered=ya", "--answer=meter_reading=12.345"]
    assert main(["run", EXAMPLE, "--json", *answers]) == 0
    assert json.loads(capsys.readouterr().out)["outcome"]["step"] == "to_unit"
    assert main(["show", EXAMPLE, "--lang", "en"]) == 0
    assert "Was the 20-digit token entered on the meter?" in capsys.readouterr().out
    assert main(["show", EXAMPLE, "--json", "--lang", "en"]) == 0
    clauses = json.loads(capsys.readouterr().out)["clauses"]
    assert clauses[0] == {
        "ref": "1a",
        "text": "Tanyakan apakah 20 digit token sudah dimasukkan ke meter.",
        "translation": "Ask whether the 20-digit token was entered on the meter.",
    }  # the file's own document, not the bundled document's clause 1a
    assert main(["export", EXAMPLE, "--format", "scxml", "--out", str(tmp_path / "t.scxml")]) == 0
    assert '<state id="guide_entry">' in (tmp_path / "t.scxml").read_text("utf-8")
    assert main(["booklet", EXAMPLE, "--lang", "en", "--out", str(tmp_path / "b.html")]) == 0
    booklet = (tmp_path / "b.html").read_text("utf-8")
    assert "<b>1b</b> Jika belum, pandu Pelanggan memasukkan token" in booklet
    assert "<b>A:one-guided-try</b> One guided try" in booklet
    call = sopfsm.start(load_sop(EXAMPLE))
    assert call.sop is load_sop(EXAMPLE)
    assert call.answer("token_entered", "tidak").pending is not None


def test_a_file_of_its_own_document_exports_back_with_its_clauses_and_assumptions() -> None:
    sop = load_sop(EXAMPLE)
    text = sop_to_yaml(sop)
    assert "clauses:" in text and "one-guided-try:" in text
    again = read_yaml(text, "again.yaml")
    assert again == sop
    cited = {p.label: p for p in [s.per for s in again.steps] if p is not None}
    assert cited["1b"].text == sop.step("guide_entry").per.text  # type: ignore[union-attr]


def test_a_call_on_a_file_sop_saves_and_restores_with_that_sop() -> None:
    sop = load_sop(EXAMPLE)
    saved = sopfsm.start(sop).answer("token_entered", "tidak").to_json()
    resumed = sopfsm.restore(saved, sop=sop)
    assert resumed.pending is not None and resumed.pending.id == "token_accepted"
    assert resumed.answer("token_accepted", "ya").outcome is not None
