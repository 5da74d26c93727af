"""Real-browser fixtures: ``sopfsm serve --dev`` in a subprocess, one headless Chromium.

The browser is Debian's ``/usr/bin/chromium`` driven by Playwright's Python package
(never a browser Playwright downloads). Without it the tests are skipped with the reason;
in CI (``CI`` set) a missing browser fails them instead, so the suite cannot pass there
by skipping.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from tests.backends import PATIENCE

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page, ViewportSize

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ROOT = Path(__file__).resolve().parents[2]
AGENT = "cso-demo"
VIEWPORT: ViewportSize = {"width": 1366, "height": 768}

pytestmark = pytest.mark.browser


def _missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright's Python package is not installed (pip install '.[test]')"
    if not CHROMIUM.exists():
        return f"{CHROMIUM} is missing: install it with `apt-get install chromium`"
    return None


def require_browser() -> None:
    """Skip, with the reason, when the browser cannot run; under CI, fail instead."""
    reason = _missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=CHROMIUM_ARGS,
            timeout=PATIENCE * 1000,  # Playwright's 30 s default is tight on a loaded machine
        )
        yield launched
        launched.close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``sopfsm serve --dev`` on a free loopback port with a store of its own."""
    workdir = tmp_path_factory.mktemp("serve")
    port = _free_port()
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


SCREENS = ROOT / "docs" / "screens"
REGENERATE = "SOPFSM_SCREENSHOTS=1 pytest tests/browser -k screenshot"


def shoot_screen(page: Page, name: str, screen_dir: Path | None) -> None:
    """Write the screenshot when asked; always check the committed text of the screen."""
    shown = page.inner_text("main")
    shown = re.sub(r"[0-9a-f]{32}", "<call id>", shown)
    shown = re.sub(r"\d{1,2}/\d{1,2}/\d{4}, \d{2}[.:]\d{2}[.:]\d{2}", "<time>", shown)
    text_file = SCREENS / f"{name}.txt"
    if screen_dir is not None:
        screen_dir.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(screen_dir / f"{name}.png"), full_page=True)
        (screen_dir / f"{name}.txt").write_text(shown.rstrip() + "\n", encoding="utf-8")
        return
    assert (SCREENS / f"{name}.png").exists(), f"docs/screens/{name}.png missing: {REGENERATE}"
    assert text_file.read_text(encoding="utf-8") == shown.rstrip() + "\n", (
        f"docs/screens/{name}.png is stale: {REGENERATE}"
    )
