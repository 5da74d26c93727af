"""``sopfsm booklet --since VERSION``: for trainers, each SOP with that earlier version
gets what changed since it, path by path, as ``sopfsm diff`` says it."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopfsm.cli import main

ROOT = Path(__file__).parent.parent.parent
UPDATE = ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml"


def test_the_booklet_says_what_changed_since_an_earlier_version(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "sops"
    folder.mkdir()
    (folder / UPDATE.name).write_bytes(UPDATE.read_bytes())
    out = tmp_path / "booklet.html"
    command = ["--sops", str(folder), "booklet", "lebih-tagih", "ps-welding", "--lang", "en"]
    assert main([*command, "--out", str(out), "--since", "2020-04-10"]) == 0
    page = out.read_text(encoding="utf-8")
    assert page.count("What changed since version 2020-04-10") == 1  # ps-welding: no change
    assert "+++ lebih-tagih 2026-12-01" in page
    assert "outcome APKT_ISSUE_CLOSED -&gt; APKT_TO_UNIT" in page
    assert main([*command, "--out", str(out)]) == 0
    assert "What changed" not in out.read_text(encoding="utf-8")
    capsys.readouterr()
    assert main([*command, "--out", str(out), "--since", "April"]) == 2
    assert "version 'April' is not a date" in capsys.readouterr().err
