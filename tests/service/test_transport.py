"""Headers and transport: every response tells the browser what it may load and frame;
off loopback the service serves TLS, or is told a proxy does."""

from __future__ import annotations

import shutil
import socket
import ssl
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from sopfsm.cli import main
from sopfsm.errors import ServiceConfigError
from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread

ROOT = Path(__file__).parent.parent.parent
ROUTES = ["/", "/signin", "/practice", "/healthz", "/openapi.json", "/static/call.js",
          "/pages/sops.json", "/v1/sops", "/v1/me", "/nowhere", "/static/nothing.js"]  # fmt: skip


def assert_strict(response: httpx.Response) -> None:
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "http" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


def test_every_page_and_api_response_sends_the_strict_headers(tokens_file: Path) -> None:
    app = create_app(ServiceConfig(tokens_file=tokens_file), open_store("memory:"))
    with ServerThread(app) as url, httpx.Client(base_url=url, timeout=PATIENCE) as client:
        for path in ROUTES:
            for headers in ({}, {"Authorization": "Bearer tok-ana-0123456789"}):
                response = client.get(path, headers=headers)
                assert_strict(response)
        assert_strict(client.post("/v1/calls", json={}))  # a refusal too


def test_off_loopback_without_tls_the_service_refuses_to_start(
    tokens_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["serve", "--host", "0.0.0.0", "--tokens", str(tokens_file), "--store", "memory:"]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "--tls-cert" in err and "--behind-proxy" in err and err.count("\n") == 1
    with pytest.raises(ServiceConfigError, match="both"):
        create_app(ServiceConfig(tls_cert=tokens_file, dev=True), open_store("memory:"))
    behind = ServiceConfig(host="0.0.0.0", tokens_file=tokens_file, behind_proxy=True)
    assert create_app(behind, open_store("memory:")) is not None


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, made here by ``openssl``."""
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: it makes the test's certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1",
         "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True, timeout=PATIENCE,
    )  # fmt: skip
    return cert, key


def test_the_service_serves_https_with_the_given_certificate(tmp_path: Path) -> None:

    cert, key = self_signed(tmp_path)
    tokens = tmp_path / "tokens"
    tokens.write_text("tok-ana-0123456789 ana\n", encoding="utf-8")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "sopfsm", "serve", "--port", str(port), "--store", "memory:",
               "--tokens", str(tokens), "--tls-cert", str(cert), "--tls-key", str(key)]  # fmt: skip
    process = subprocess.Popen(
        command, cwd=tmp_path, env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    base = f"https://127.0.0.1:{port}"
    try:
        with httpx.Client(
            base_url=base, verify=ssl.create_default_context(cafile=cert), timeout=PATIENCE
        ) as client:
            deadline = time.monotonic() + PATIENCE
            while True:
                try:
                    assert client.get("/healthz").status_code == 200
                    break
                except httpx.TransportError:
                    assert process.poll() is None and time.monotonic() < deadline
                    time.sleep(0.1)
            signed = client.post(
                "/signin", data={"token": "tok-ana-0123456789"}, headers={"Origin": base}
            )
            assert signed.status_code == 303
            assert "Secure" in signed.headers["set-cookie"]  # never sent over plain HTTP
            assert client.get("/v1/me").json() == {"agent": "ana", "role": "cso"}
            assert_strict(client.get("/"))
        with pytest.raises(httpx.TransportError):
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).raise_for_status()
    finally:
        process.kill()
        out, _ = process.communicate()
    assert f"listening on https://127.0.0.1:{port}" in out
