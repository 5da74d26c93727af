"""Outside sopfsm.diagram, the service, QA and the CLI use the package's public names
only: .importlinter's "diagram" contract lists every module of the package, and breaks
when one is imported from outside."""

from __future__ import annotations

import configparser
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CONTRACTS = ROOT / ".importlinter"


def _contract() -> configparser.SectionProxy:
    config = configparser.ConfigParser()
    config.read(CONTRACTS, encoding="utf-8")
    return config["importlinter:contract:diagram"]


def _lint(package_parent: Path) -> str:
    lint = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run(
        [str(lint), str(CONTRACTS), "--no-cache"],
        env={"PYTHONPATH": str(package_parent), "PATH": str(lint.parent)},
        cwd=package_parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    return done.stdout + done.stderr


def test_every_module_of_the_package_is_kept_inside() -> None:
    modules = {
        f"sopfsm.diagram.{path.stem}"
        for path in (ROOT / "sopfsm" / "diagram").glob("*.py")
        if path.stem != "__init__"
    }
    assert set(_contract()["forbidden_modules"].split()) == modules


def test_reading_the_package_from_outside_breaks_the_contract(tmp_path: Path) -> None:
    name = _contract()["name"].split("\n")[0]
    copy = tmp_path / "sopfsm"
    shutil.copytree(ROOT / "sopfsm", copy, ignore=shutil.ignore_patterns("__pycache__"))
    assert f"{name} KEPT" in " ".join(_lint(tmp_path).split())
    report = copy / "qa" / "report.py"
    report.write_text(
        report.read_text(encoding="utf-8") + "\nfrom sopfsm.diagram.extract import chart_of\n",
        encoding="utf-8",
    )
    broken = _lint(tmp_path)
    assert "sopfsm.qa is not allowed to import sopfsm.diagram.extract" in broken
    assert "sopfsm.qa.report -> sopfsm.diagram.extract" in broken
