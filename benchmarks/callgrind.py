"""The instructions a tree of processes runs, counted by valgrind's callgrind.

CPU seconds on a machine of two cores shared by the servers, the database and the load
generator depend on how the cores are shared: a process that is stopped more often to let
another run refills its caches each time, and runs slower. The instructions a process runs
do not: callgrind counts them the same whatever else the machine does. It counts the
processes' own code (Python, its extensions, the C library), not the kernel's work on
their behalf. Under callgrind a server runs about fifty times slower, so its clients and
its database are never what it waits for; what is counted is the servers' own work.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

TOTALS = re.compile(r"^totals: (\d+)", re.MULTILINE)


def available() -> bool:
    return shutil.which("valgrind") is not None and shutil.which("callgrind_control") is not None


def command(program: list[str], folder: Path) -> list[str]:
    """``program`` run under callgrind with its child processes (uvicorn's workers), each
    writing its counts to ``folder``."""
    return ["valgrind", "--tool=callgrind", "--trace-children=yes",
            f"--callgrind-out-file={folder / 'callgrind.%p'}", *program]  # fmt: skip


class Counter:
    """The instructions the processes writing to ``folder`` have run so far, read by asking
    each one to write its counts since it last wrote them. The processes must be the same
    at every reading: one that ended or started between two readings would leave its
    counts out or bring its start-up in."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.read: set[Path] = set()
        self.total = 0
        self.pids: list[int] | None = None

    def __call__(self, pids: list[int]) -> int:
        if not pids or (self.pids is not None and sorted(pids) != self.pids):
            raise RuntimeError(f"the counted processes changed: {self.pids} then {pids}")
        self.pids = sorted(pids)
        # With no process named, callgrind_control would dump every callgrind run there is;
        # for a process it does not find, it says so and exits 0.
        done = subprocess.run(["callgrind_control", "--dump", *map(str, pids)],
                              check=True, capture_output=True, text=True, timeout=120)  # fmt: skip
        if "Error" in done.stdout + done.stderr:
            raise RuntimeError(f"callgrind_control: {(done.stdout + done.stderr).strip()}")
        dumps = set(self.folder.glob("callgrind.*.*")) - self.read
        written = {int(dump.name.split(".")[1]) for dump in dumps}
        if written != set(pids):
            raise RuntimeError(f"dumps of {sorted(written)} for the processes {sorted(pids)}")
        for dump in dumps:
            found = TOTALS.search(dump.read_text(encoding="utf-8", errors="replace"))
            if found is None:
                raise RuntimeError(f"{dump}: no totals")
            self.read.add(dump)
            self.total += int(found.group(1))
        return self.total
