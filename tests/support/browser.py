"""Where the browser tests find Chromium, and what they do without it: skipped with the
reason, except under CI (``CI`` set), where a missing browser fails them, so the suite
cannot pass there by skipping."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page, ViewportSize

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


def missing() -> str | None:
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
    reason = missing()
    if reason is not None:
        if os.environ.get("CI"):
            pytest.fail(f"browser tests cannot run in CI: {reason}")
        pytest.skip(reason)


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
