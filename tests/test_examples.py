"""Every example in ``examples/`` runs, as a user would run it, and does what it says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"

# What each example must print; a new example without an entry fails the suite.
EXPECTED_OUTPUT = {
    "front_door_call.py": [
        "Tanyakan (matter): Apa keperluan Pelanggan?",
        "Catatan: Pembatasan akses ditanyakan juga bila permohonan tidak mendesak",
        "Lakukan: Tutup laporan di CC PLN 123",
        "tidak ada petugas PLN yang sedang menuju lokasi",
        "outcome: APKT_ISSUE_CLOSED",
        "path: ask_matter -> ask_registered_online -> ask_tmp_passed -> niaga_overdue__ask_urgent",
        "outcome: REGULAR_SOP",
    ],
    "embed_call.py": ["refused: jawaban", "outcome: APKT_TO_UNIT", "recipient_to_unit"],
    "training_flowcharts.py": [
        "training/id/turun-daya.png",
        "training/en/niaga-overdue.svg",
        "training/booklet-en.html",
    ],
    "audit_sops.py": [
        "9 SOPs audited; all checks pass",
        "gap: no branch takes step 'ask_urgent', question 'urgent', answer yes",
        "FAILED: draft-welding",
    ],
}


@pytest.mark.parametrize("name", sorted(p.name for p in EXAMPLES.glob("*.py")))
def test_example_runs(name: str, tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / name)],
        capture_output=True, text=True, cwd=tmp_path, check=False, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    for expected in EXPECTED_OUTPUT[name]:
        assert expected in done.stdout
