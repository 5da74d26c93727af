"""Real-browser fixtures: ``sopfsm serve --dev`` in a subprocess, one headless Chromium.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright's Python package
(never a browser Playwright downloads). Without it the tests are skipped with the reason;
in CI (``CI`` set) a missing browser fails them instead, so the suite cannot pass there
by skipping.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.support import browser as chromium
from tests.support.backends import PATIENCE, free_port
from tests.support.browser import AGENT, CHROMIUM_ARGS, ROOT, VIEWPORT, require_browser

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(chromium.CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=PATIENCE * 1000,  # Playwright's 30 s default is tight on a loaded machine
        )
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sopfsm serve --dev`` on a free loopback port with a store of its own."""
    workdir = tmp_path_factory.mktemp("serve")
    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOPFSM_TOKENS_FILE", None)
    command = [sys.executable, "-m", "sopfsm", "serve", "--dev", "--port", str(port)]
    command += ["--store", f"sqlite:///{workdir / 'calls.db'}"]
    log = (workdir / "serve.log").open("w+")
    process = subprocess.Popen(command, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a server that hangs on exit
            process.kill()
        log.close()


def _wait_ready(base: str, process: subprocess.Popen[bytes], log: Any) -> None:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            pytest.fail(f"sopfsm serve exited with {process.returncode}:\n{log.read()}")
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                log.seek(0)
                assert f"listening on {base}" in log.read()  # the address the docs promise
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail(f"sopfsm serve did not answer /healthz within {PATIENCE:.0f} s")


@pytest.fixture
def page(browser: Browser, service: str) -> Iterator[Page]:
    """A fresh page (its own storage) at 1366x768, allowed to use the clipboard."""
    context = browser.new_context(viewport=VIEWPORT, base_url=service, locale="id-ID")
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=service)
    opened = context.new_page()
    errors: list[str] = []
    outside: list[str] = []
    opened.on("pageerror", lambda error: errors.append(str(error)))
    # The pages fetch nothing but the service itself (and the flowchart's blob: copy).
    opened.on(
        "request",
        lambda request: (
            None
            if request.url.startswith((service, "blob:", "data:"))
            else outside.append(request.url)
        ),
    )
    # A page action waits this long: generous, since chromium shares a loaded CI machine.
    opened.set_default_timeout(30_000)
    yield opened
    context.close()
    assert not errors, f"the page raised: {errors}"
    assert not outside, f"the page reached outside the service: {outside}"


@pytest.fixture
def api(service: str) -> Iterator[httpx.Client]:
    """The service's API as the test agent, to check what the screens did."""
    headers = {"Authorization": f"Bearer {AGENT}"}
    with httpx.Client(base_url=service, headers=headers, timeout=PATIENCE) as client:
        yield client


@pytest.fixture(scope="session")
def screenshot_dir() -> Path | None:
    """Where screenshots are written: docs/screens when SOPFSM_SCREENSHOTS=1, else nowhere."""
    return ROOT / "docs" / "screens" if os.environ.get("SOPFSM_SCREENSHOTS") == "1" else None
