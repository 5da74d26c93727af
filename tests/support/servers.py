"""Real ``sopfsm serve`` processes for the service tests: where the repository is, and a
clock set off by libfaketime for the tests of servers whose clocks differ."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent.parent  # the repository


FAKETIME_LIBRARIES = (
    "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/aarch64-linux-gnu/faketime/libfaketimeMT.so.1",
    "/usr/lib/faketime/libfaketimeMT.so.1",
)


def faketime_env(offset: str) -> dict[str, str]:
    """The environment that runs a process with its clock ``offset`` (``-20s``) off, by
    Debian's libfaketime preloaded into the process itself (no wrapper to signal)."""
    library = next((p for p in FAKETIME_LIBRARIES if Path(p).exists()), None)
    if library is None:
        if os.environ.get("CI"):
            pytest.fail("CI needs libfaketime: apt-get install faketime")
        pytest.skip("libfaketime is not installed (apt-get install faketime)")
    return {
        "LD_PRELOAD": library,
        "FAKETIME": offset,
        "FAKETIME_DONT_FAKE_MONOTONIC": "1",  # uvicorn's timers keep real time
    }


class Served:
    """One real ``python -m sopfsm serve`` process: its base URL and what it printed."""

    def __init__(self, process: subprocess.Popen[str], url: str) -> None:
        self.process = process
        self.url = url
