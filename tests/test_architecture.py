"""The layering written in .importlinter holds, covers every module, and catches a break."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent
CONTRACTS = ROOT / ".importlinter"
EDGES = {"cli", "service", "qa", "delivery", "store", "formats", "diagram"}


def _lint_imports(package_parent: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(package_parent)}
    # lint-imports puts its working folder first on sys.path: run it where the package is.
    # It sits beside the interpreter that runs the tests (the test extra has it).
    lint = Path(sys.executable).parent / "lint-imports"
    command = [str(lint), str(CONTRACTS), "--no-cache"]
    return subprocess.run(
        command,
        check=False,
        env=env,
        cwd=package_parent,
        capture_output=True,
        text=True,
        timeout=300,
    )


def _contract(name: str) -> configparser.SectionProxy:
    config = configparser.ConfigParser()
    config.read(CONTRACTS, encoding="utf-8")
    return config[f"importlinter:contract:{name}"]


def test_every_module_of_the_core_is_held_to_the_core_contract() -> None:
    listed = set(_contract("core")["source_modules"].split())
    package = ROOT / "sopfsm"
    core = {
        f"sopfsm.{path.stem if path.is_file() else path.name}"
        for path in package.iterdir()
        if (path.suffix == ".py" and path.stem not in {"__init__", "__main__"})
        or (path.is_dir() and (path / "__init__.py").exists() and path.name not in EDGES)
    }
    assert core | {"sopfsm"} == listed


def test_every_edge_is_forbidden_to_the_core() -> None:
    forbidden = set(_contract("core")["forbidden_modules"].split())
    present = {f"sopfsm.{name}" for name in EDGES if (ROOT / "sopfsm" / name).is_dir()}
    assert present <= forbidden


def test_the_contracts_hold() -> None:
    result = _lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_core_importing_the_service_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "sopfsm"
    shutil.copytree(ROOT / "sopfsm", copy, ignore=shutil.ignore_patterns("__pycache__"))
    call = copy / "call.py"
    call.write_text(call.read_text(encoding="utf-8") + "\nimport sopfsm.service.app\n")
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "sopfsm.call is not allowed to import sopfsm.service" in result.stdout
