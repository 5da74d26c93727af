"""Where the browser tests find Chromium, and what they do without it: skipped with the
reason, except under CI (``CI`` set), where a missing browser fails them, so the suite
cannot pass there by skipping."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import ViewportSize

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
