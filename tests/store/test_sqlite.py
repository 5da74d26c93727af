"""The SQLite store and an operator's mistakes: a read-only store is refused by `serve`
with one line, read by `check-calls --store` without a write, and a full disk is said
in both languages; the writers of several processes on one file take turns."""

from __future__ import annotations

import concurrent.futures
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sopfsm.errors import StoreError
from sopfsm.store import open_store
from tests.support.backends import PATIENCE

ROOT = Path(__file__).parent.parent.parent


@pytest.fixture
def archive() -> Iterator[Path]:
    """A store of two calls in a folder that is read-only, file and folder alike."""
    folder = Path(tempfile.mkdtemp(prefix="sopfsm-archive-"))
    path = folder / "calls.db"
    store = open_store(f"sqlite:///{path}")
    from sopfsm.service.stored_calls import start_call

    for sop in ("lebih-tagih", "turun-daya"):
        start_call(store, sop, {}, "ana")
    store.close()
    for leftover in folder.glob("calls.db-*"):
        leftover.unlink()
    path.chmod(0o444)
    folder.chmod(0o555)
    try:
        yield path
    finally:
        folder.chmod(0o755)
        shutil.rmtree(folder)


def _sopfsm(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``python -m sopfsm`` with ``folder`` read-only to it. Root ignores file modes, so
    as root the folder is bind-mounted read-only in a mount namespace of the command's own."""
    command = [sys.executable, "-m", "sopfsm", *args]
    if os.geteuid() == 0:
        if shutil.which("unshare") is None:
            pytest.skip("as root, a read-only store needs unshare(1) to mount it read-only")
        mount = 'mount --bind -o ro "$0" "$0" && exec "$@"'
        command = ["unshare", "--mount", "sh", "-c", mount, str(folder), *command]
    done = subprocess.run(
        command,
        cwd="/",
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=PATIENCE,
        check=False,
    )
    if "mount:" in done.stderr or "unshare:" in done.stderr:
        pytest.skip(f"cannot mount the store read-only here: {done.stderr.strip()}")
    return done


def test_serve_on_a_read_only_store_is_refused_in_one_line(archive: Path) -> None:
    done = _sopfsm(
        archive.parent, "serve", "--dev", "--port", "0", "--store", f"sqlite:///{archive}"
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.count("\n") == 1
    assert "read-only" in done.stderr
    assert "Traceback" not in done.stderr


def test_check_calls_reads_a_read_only_store_and_writes_nothing(archive: Path) -> None:
    before = sorted(p.name for p in archive.parent.iterdir())
    done = _sopfsm(archive.parent, "check-calls", "--store", f"sqlite:///{archive}")
    assert done.returncode in (0, 1), done.stderr
    assert "2 calls" in done.stdout or "calls: 2" in done.stdout or " 2 " in done.stdout
    assert sorted(p.name for p in archive.parent.iterdir()) == before


def test_a_read_only_open_creates_no_store_and_writes_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "none.db"
    with pytest.raises(StoreError):
        open_store(f"sqlite:///{missing}", read_only=True)
    assert not missing.exists()
    store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    store.close()
    reader = open_store(f"sqlite:///{tmp_path / 'calls.db'}", read_only=True)
    try:
        assert list(reader.calls()) == []
        with pytest.raises(StoreError, match="read-only"):
            reader.durability()
    finally:
        reader.close()


def test_a_full_disk_is_said_in_indonesian_too(tmp_path: Path) -> None:
    from sopfsm.service.problems import error_body
    from sopfsm.service.stored_calls import start_call

    store = open_store(f"sqlite:///{tmp_path / 'calls.db'}")
    try:
        pages = store._write(lambda db: db.execute("PRAGMA page_count").fetchone()[0])  # type: ignore[attr-defined]
        store._write(lambda db: db.execute(f"PRAGMA max_page_count = {pages}"))  # type: ignore[attr-defined]
        with pytest.raises(StoreError) as full:
            _fill(lambda: start_call(store, "lebih-tagih", {}, "ana"))
    finally:
        store.close()
    body = error_body(full.value)
    assert body["status"] == 503
    assert "disk penuh" in body["detail_id"]
    assert body["detail_id"] != body["detail"]


def _fill(start: Callable[[], object]) -> None:
    for _ in range(200):
        start()


def test_a_write_waits_its_turn_while_another_process_commits_and_is_kept_after(
    tmp_path: Path,
) -> None:
    """The writers of several processes on one file take turns on its lock file: one
    waits in the kernel while another commits (held here as another process would hold
    it), and writes as soon as the turn is free."""
    import fcntl

    from tests.support.stored import new_call

    path = tmp_path / "calls.db"
    store = open_store(f"sqlite:///{path}")
    try:
        with open(f"{path}.writer.lock", "a+") as other:
            fcntl.flock(other, fcntl.LOCK_EX)
            waiting = store.create_soon(new_call())
            with pytest.raises(concurrent.futures.TimeoutError):
                waiting.result(timeout=0.5)
            fcntl.flock(other, fcntl.LOCK_UN)
            kept = waiting.result(timeout=PATIENCE)
        assert store.get(kept.id) == kept
    finally:
        store.close()
