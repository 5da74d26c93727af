"""``sopfsm.qa`` has one sorted surface and keeps plotting out until a report is drawn."""

from __future__ import annotations

import subprocess
import sys
import types

import sopfsm.qa


def test_all_is_sorted_and_complete() -> None:
    assert sopfsm.qa.__all__ == sorted(sopfsm.qa.__all__)
    public = {
        name
        for name, value in vars(sopfsm.qa).items()
        if not name.startswith("_") and not isinstance(value, types.ModuleType)
    }
    assert public == set(sopfsm.qa.__all__)


def test_the_check_loads_no_plotting() -> None:
    code = (
        "import sys, sopfsm.qa; "
        "print(sorted(m for m in ('matplotlib', 'tqdm', 'hypothesis') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_cli_loads_qa_only_to_check() -> None:
    code = (
        "import sys, sopfsm.cli; sopfsm.cli._parser(); "
        "print(sorted(m for m in ('matplotlib', 'tqdm', 'sopfsm.qa') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
