"""The review commands: `sopfsm audit` of a user's SOP class, `render` and `booklet` writing
their files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopfsm.cli import main


def test_render_command_writes_each_format(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(
            [
                "render",
                "lebih-tagih",
                "--format",
                "pdf",
                "--format",
                "mermaid",
                "--lang",
                "en",
                "--out",
                str(tmp_path),
            ]
        )
        == 0
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["lebih-tagih.mmd", "lebih-tagih.pdf"]
    assert (tmp_path / "lebih-tagih.pdf").read_bytes().startswith(b"%PDF")
    assert "Over-billing" in (tmp_path / "lebih-tagih.mmd").read_text(encoding="utf-8")
    assert capsys.readouterr().out.count("\n") == 2


def test_booklet_command_writes_the_file(tmp_path: Path) -> None:
    out = tmp_path / "booklet.html"
    assert main(["booklet", "--lang", "en", "--out", str(out)]) == 0
    assert "Every answer path" in out.read_text(encoding="utf-8")


def test_the_cli_audits_a_users_sop_and_exits_1_with_the_route(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from sopfsm.cli import main

    assert main(["audit", "tests.support.broken_sops:DeadEnd"]) == 1
    out = capsys.readouterr().out
    assert "FAIL    termination" in out
    assert "route: ask_urgent -> urgent=yes -> ask_access" in out
    assert main(["audit", "tests.support.broken_sops:Nothing"]) == 2
    assert "cannot load SOP class" in capsys.readouterr().err
