"""The `sopfsm` command as a whole: errors in Indonesian unless asked otherwise, one line and a
documented exit code, never a traceback, and the module runs as the console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from sopfsm.cli import main


def test_errors_speak_indonesian_by_default(capsys: pytest.CaptureFixture[str]) -> None:
    # Checked up front, although the call would stop before asking it.
    assert main(["run", "lebih-tagih", "--answer", "meter_reading=-5"]) == 2
    assert "stand tidak boleh negatif" in capsys.readouterr().err


def test_the_console_script_runs_as_a_module() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sopfsm", "run", "gangguan-persil", "--answer",
         "access_restricted=ya", "--json"],
        capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["outcome"]["data"] == {"access_restricted": True}


@pytest.mark.parametrize(
    ("argv", "code"),
    [
        (["run", "nope"], 2),
        (["run", "turun-daya", "--answer", "nik=3171010101900000"], 2),
        (["run", "turun-daya", "--answer", "nik"], 2),
        (["run", "turun-daya", "--lang", "fr"], 2),
        (["render", "--format", "gif"], 2),
        (["render", "lebih-tagih", "--out", "/proc/no/such/folder"], 2),
        (["booklet", "--out", "/proc/no/such/booklet.html"], 2),
        (["audit", "no.such.module:Sop"], 2),
        (["frobnicate"], 2),
        ([], 2),
        (["run", "turun-daya", "--json"], 3),
    ],
)
def test_no_traceback_reaches_the_user_only_one_line_and_a_documented_code(
    argv: list[str], code: int, tmp_path: Path
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "sopfsm", *argv],
        capture_output=True, text=True, check=False, cwd=tmp_path,
    )  # fmt: skip
    assert done.returncode == code
    errors = [line for line in done.stderr.splitlines() if not line.startswith("Fontconfig")]
    assert "Traceback" not in done.stderr
    assert len(errors) == (0 if code == 3 else 1), done.stderr
