"""A token file the service cannot trust is refused at start, in one line naming the
line, never quoting a token: one that is not UTF-8, or that lists one token twice."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopfsm.cli import main


def test_a_token_file_that_is_not_utf8_is_refused_naming_the_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_bytes(b"tok-ana-0123456789 ana\ntok-\xff\xfebudi budi\n")
    assert main(["serve", "--tokens", str(tokens), "--store", "memory:"]) == 2
    err = capsys.readouterr().err
    assert "line 2: not UTF-8" in err
    assert err.count("\n") == 1
    assert "tok-" not in err and "0xff" not in err


@pytest.mark.parametrize(
    "lines", [["tok-same-0123456789 ana", "tok-same-0123456789 budi"], ["tok-x-123456 ana"] * 2]
)
def test_a_token_listed_twice_is_refused_naming_both_lines(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], lines: list[str]
) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("# agents\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert main(["serve", "--tokens", str(tokens), "--store", "memory:"]) == 2
    err = capsys.readouterr().err
    assert "line 3: the token of line 2 again" in err
    assert "tok-" not in err


def test_several_workers_on_a_memory_store_are_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--dev", "--workers", "2", "--store", "memory:"]) == 2
    err = capsys.readouterr().err
    assert "memory" in err and "--workers" in err
    assert err.count("\n") == 1
