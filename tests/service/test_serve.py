"""``sopfsm serve``: what it refuses before listening, and what it prints."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sopfsm.cli import main
from sopfsm.service import config
from tests.support.backends import PATIENCE, free_port

ROOT = Path(__file__).parent.parent.parent


def test_a_host_off_loopback_without_tokens_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--store", "memory:"]) == 2
    assert "--tokens" in capsys.readouterr().err
    assert main(["serve", "--host", "0.0.0.0", "--dev", "--store", "memory:"]) == 2
    assert "loopback only" in capsys.readouterr().err


def test_a_malformed_token_file_is_refused_by_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = tmp_path / "tokens"
    tokens.write_text("good-token ana\nlonely-token\n", encoding="utf-8")
    assert main(["serve", "--tokens", str(tokens), "--store", "memory:"]) == 2
    assert "line 2" in capsys.readouterr().err
    tokens.write_text("# nothing\n", encoding="utf-8")
    assert main(["serve", "--tokens", str(tokens), "--store", "memory:"]) == 2
    assert "no tokens" in capsys.readouterr().err


def test_a_short_secret_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    secret = tmp_path / "secret"
    secret.write_text("short", encoding="utf-8")
    assert main(["serve", "--dev", "--secret", str(secret), "--store", "memory:"]) == 2
    assert "at least 16 bytes" in capsys.readouterr().err


@pytest.mark.parametrize("seconds", ["0", "3601"])
def test_a_health_check_out_of_range_is_refused_and_nothing_is_made(
    seconds: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    """Refused before the store is opened and before --dev makes a delivery key (in the
    temporary folder); the port is taken, so that a check missing fails here at once
    rather than serving."""
    import socket
    import tempfile

    keys = tmp_path / "temporary"
    keys.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(keys))
    store = tmp_path / "calls.db"
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        args = ["serve", "--dev", "--workers", "2", "--store", f"sqlite:///{store}",
                "--port", port, "--deliver-to", "http://127.0.0.1:9/"]  # fmt: skip
        assert main([*args, "--worker-check-seconds", seconds]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"sopfsm: error: --worker-check-seconds: {seconds} is out of range: a worker's "
        "health check may wait 1 to 3600 seconds (default: 5)"
    ]
    assert not store.exists()
    assert list(keys.iterdir()) == []


def test_a_store_of_an_unknown_schema_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    from sopfsm.store import open_store

    path = tmp_path / "calls.db"
    open_store(f"sqlite:///{path}").close()
    with sqlite3.connect(path) as db:
        db.execute("INSERT INTO sopfsm_migrations VALUES (9999, 'later', 'now')")
    assert main(["serve", "--dev", "--store", f"sqlite:///{path}"]) == 2
    assert "unknown schema migration 9999_later" in capsys.readouterr().err


def test_dev_mode_prints_where_it_listens_and_its_store_and_answers(tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "sopfsm", "serve", "--dev", "--port", str(port)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        assert process.stdout is not None
        lines = [process.stdout.readline() for _ in range(4)]
        assert lines[0].strip() == f"sopfsm serve: listening on http://127.0.0.1:{port}"
        store = tmp_path / "sopfsm-calls.db"
        assert lines[1].strip() == f"sopfsm serve: call store sqlite:///{store}"
        assert "not signed" in lines[2]
        assert "dev mode" in lines[3]
        deadline = time.monotonic() + PATIENCE
        while True:
            try:
                response = httpx.post(
                    f"http://127.0.0.1:{port}/v1/calls",
                    json={"sop": "lebih-tagih"},
                    headers={"Authorization": "Bearer siti"},
                    timeout=PATIENCE,
                )
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline, "the server never answered"
                time.sleep(0.1)
        assert response.status_code == 201
        assert response.json()["agent"] == "siti"
        assert store.exists()
    finally:
        process.kill()
        process.communicate()


def test_the_service_page_names_every_setting() -> None:
    section = (ROOT / "docs" / "service.md").read_text(encoding="utf-8")
    flags = {"host": "--host", "port": "--port", "workers": "--workers", "store": "--store",
             "tokens_file": "--tokens", "dev": "--dev", "secret_file": "--secret",
             "max_body_bytes": "64 KiB", "page_size": "limit",
             "shutdown_seconds": "--shutdown-seconds",
             "worker_check_seconds": "--worker-check-seconds", "retain_days": "--retain-days",
             "tls_cert": "--tls-cert", "tls_key": "--tls-key",
             "behind_proxy": "--behind-proxy", "deliver_to": "--deliver-to",
             "delivery_keys": "--delivery-keys", "sops": "--sops"}  # fmt: skip
    assert set(flags) == set(config.settings())
    missing = [name for name, word in flags.items() if not re.search(re.escape(word), section)]
    assert missing == []
    assert config.TOKENS_ENV in section
    assert config.SECRET_ENV in section
    assert config.SOPS_ENV in section


def test_a_serving_process_keeps_what_it_starts_with_out_of_the_collectors_passes() -> None:
    import gc

    from sopfsm.cli.serve import GC_THRESHOLDS, quiet_collector

    before = gc.get_threshold()
    try:
        quiet_collector()
        assert gc.get_threshold() == GC_THRESHOLDS
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
