"""The README's and the documentation's commands are the ones CI runs."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from sopfsm.cli import main

ROOT = Path(__file__).parent.parent
PAGES = sorted((ROOT / "docs").glob("*.md"))


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def _ci() -> list[str]:
    return (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_quick_start_is_two_commands_and_ci_runs_the_test_command() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    main_job, test_command = commands
    assert "sopfsm audit" in main_job
    assert test_command.endswith("pytest")
    assert test_command in _ci()


def _console_lines(text: str) -> list[str]:
    blocks = re.findall(r"```console\n(.*?)```", text, re.DOTALL)
    return [line.removeprefix("$ ") for block in blocks for line in block.splitlines()]


def _ci_runs(command: str, ci: list[str]) -> bool:
    """Whether CI runs ``command``: as one line, or each ``&&`` step as a line of its own."""
    return command in ci or all(step.strip() in ci for step in command.split("&&"))


def test_every_page_gives_the_test_and_docs_commands_as_ci_runs_them() -> None:
    ci = _ci()
    shown = [
        (path.name, line.split("#", 1)[0].strip())
        for path in [ROOT / "README.md", *PAGES]
        for line in _console_lines(path.read_text(encoding="utf-8"))
        if '".[test]"' in line or '".[docs]"' in line or line.startswith("mkdocs build")
    ]
    assert any(name == "testing.md" for name, _ in shown)  # the page that says how to test
    assert [(name, command) for name, command in shown if not _ci_runs(command, ci)] == []
    # A page that drifted from CI would be caught: a command CI does not run is refused.
    assert not _ci_runs('pip install ".[tests]" && pytest', ci)
    assert not _ci_runs("mkdocs build", ci)


def test_the_readme_documents_the_site_build_as_ci_runs_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert '`pip install ".[docs]" && mkdocs build --strict`' in readme
    assert 'pip install ".[docs]"' in _ci() and "mkdocs build --strict" in _ci()
    assert len(readme.splitlines()) < 250  # read in five minutes


def _runs_with_outcomes() -> list[tuple[str, str, str]]:
    """Every ``sopfsm run ... --json  # ...: CODE`` line shown: page, command, outcome."""
    found = []
    for path in [ROOT / "README.md", *PAGES]:
        for line in _console_lines(path.read_text(encoding="utf-8")):
            command, _, comment = line.partition("#")
            code = re.search(r"\b([A-Z][A-Z0-9_]{4,})\s*$", comment)
            if command.startswith("sopfsm run ") and "--json" in command and code:
                found.append((path.name, command.strip(), code.group(1)))
    return found


def test_every_shown_guided_call_ends_in_the_outcome_its_comment_names(
    capsys: pytest.CaptureFixture[str],
) -> None:
    shown = _runs_with_outcomes()
    assert {name for name, _, _ in shown} >= {"README.md", "cli.md"}
    assert len(shown) >= 12
    wrong = []
    for name, command, code in shown:
        status = main(shlex.split(command)[1:])
        reached = json.loads(capsys.readouterr().out)["outcome"]
        if status != 0 or reached is None or reached["code"] != code:
            wrong.append((name, command, code, status, reached and reached["code"]))
    assert wrong == []
