"""``sopfsm diff``: the example pair's diff in the documentation is current, and the
command exits as diff(1) does: 0 same, 1 different, 2 trouble (one located line per
mistake of a broken file)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sopfsm.cli import main

ROOT = Path(__file__).parent.parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml"
EXAMPLE_DIFF = EXAMPLE.with_suffix(".diff.txt")
REFRESH = f"sopfsm diff lebih-tagih {EXAMPLE.relative_to(ROOT)} > {EXAMPLE_DIFF.relative_to(ROOT)}"
EXAMPLE_PAGE = EXAMPLE.with_suffix(".diff.html")
REFRESH_PAGE = (
    f"sopfsm diff lebih-tagih {EXAMPLE.relative_to(ROOT)} --lang en "
    f"--html {EXAMPLE_PAGE.relative_to(ROOT)}"
)


def test_the_example_pairs_diff_in_the_docs_is_current(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "lebih-tagih", str(EXAMPLE)]) == 1
    assert capsys.readouterr().out == EXAMPLE_DIFF.read_text(encoding="utf-8"), (
        f"stale; run: {REFRESH}"
    )


def test_the_example_pairs_page_in_the_docs_is_current(tmp_path: Path) -> None:
    page = tmp_path / "diff.html"
    assert main(["diff", "lebih-tagih", str(EXAMPLE), "--lang", "en", "--html", str(page)]) == 1
    assert page.read_bytes() == EXAMPLE_PAGE.read_bytes(), f"stale; run: {REFRESH_PAGE}"


def test_the_page_goes_to_standard_output_without_a_file(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["diff", "lebih-tagih", str(EXAMPLE), "--html"]) == 1
    page = capsys.readouterr().out
    assert page.startswith("<!DOCTYPE html>") and '<html lang="id">' in page
    assert "Versi sebelumnya: lebih-tagih 2020-04-10" in page
    assert main(["diff", "turun-daya", "turun-daya", "--html"]) == 0
    assert 'data-same=""' in capsys.readouterr().out


def test_json_and_html_together_are_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["diff", "lebih-tagih", str(EXAMPLE), "--json", "--html"])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not allowed with argument" in err


def test_the_example_pair_changes_an_outcome_a_question_and_a_script(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert EXAMPLE.read_text(encoding="utf-8").startswith(
        "# yaml-language-server: $schema=../sop.schema.json\n# AN ILLUSTRATION, NOT A PLN DOCUMENT."
    )
    assert main(["diff", "lebih-tagih", str(EXAMPLE), "--json"]) == 1
    diff = json.loads(capsys.readouterr().out)
    assert (diff["old"]["version"], diff["new"]["version"]) == ("2020-04-10", "2026-12-01")
    changed = {c["what"] for step in diff["steps"] for c in step["changes"]}
    assert {"outcome", "asks", "says"} <= changed
    assert [(q["question"], q["status"]) for q in diff["questions"]] == [
        ("accepts_explanation", "reworded")
    ]
    assert {p["status"] for p in diff["paths"]} == {"changed"}


def test_a_sop_against_its_own_export_exits_0(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "turun-daya.yaml"
    assert main(["export", "turun-daya", "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["diff", "turun-daya", str(out)]) == 0
    assert "No difference" in capsys.readouterr().out


def test_two_different_sops_are_compared_but_said_plainly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["diff", "ps-welding", "ps-other"]) == 1
    assert "two different SOPs (ps-welding and ps-other)" in capsys.readouterr().out
    assert main(["diff", "ps-welding", "ps-other", "--json"]) == 1
    assert json.loads(capsys.readouterr().out)["same_sop"] is False


def test_a_broken_file_exits_2_with_its_mistake_located(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    text = EXAMPLE.read_text(encoding="utf-8").replace("to: to_unit", "to: nowhere")
    broken.write_text(text, encoding="utf-8")
    assert main(["diff", "lebih-tagih", str(broken)]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "to: nowhere" in t)
    assert f"{broken}:{line}:" in captured.err and "no step 'nowhere'" in captured.err


def test_an_unknown_sop_exits_2_naming_the_known_ones(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "lebih-tagih", "no-such-sop"]) == 2
    assert "unknown SOP 'no-such-sop'; known SOPs: triage" in capsys.readouterr().err
