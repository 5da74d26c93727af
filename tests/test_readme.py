"""The README's commands are the ones CI runs."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).parent.parent


def _quick_start() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1]
    block = re.search(r"```console\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_is_two_commands_and_ci_runs_the_test_command() -> None:
    commands = _quick_start()
    assert len(commands) == 2
    main_job, test_command = commands
    assert "sopfsm audit" in main_job
    assert test_command.endswith("pytest")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert test_command in ci


def test_the_readme_declaration_example_is_a_sop_that_passes_the_audit() -> None:
    import sopfsm
    from sopfsm.audit import audit
    from sopfsm.questions import ACCEPTS_EXPLANATION, METER_READING, NOT_KNOWN
    from sopfsm.sops import lebih_tagih

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Declaring a SOP.*?```python\n(.*?)```", readme, re.DOTALL)
    assert block is not None
    namespace: dict[str, object] = {
        **{name: getattr(sopfsm, name) for name in sopfsm.__all__},
        "ACCEPTS_EXPLANATION": ACCEPTS_EXPLANATION,
        "METER_READING": METER_READING,
        "NOT_KNOWN": NOT_KNOWN,
        **{
            name: getattr(lebih_tagih, name)
            for name in ("THREE_MONTH_AVERAGE", "REPORT_TO_UNIT", "CLOSED_AT_CC")
        },
    }
    exec(block.group(1), namespace)
    declared = namespace["LebihTagih"]
    report = audit(declared)  # type: ignore[arg-type]
    assert report.ok
    assert report.path_count == 3
