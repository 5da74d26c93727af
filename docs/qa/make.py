"""Rebuild the sample QA report (report.html) and its screenshot (report.png).

    PYTHONPATH=. python docs/qa/make.py

The report checks 10,000 simulated calls (``sopfsm simulate --calls 10000 --seed 1
--deviations 0.1``); tests/qa/test_report_docs.py fails when report.html is stale. The
screenshot is taken by Playwright driving the system's Chromium, offline.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sopfsm.qa.check import check_files
from sopfsm.qa.report import summary_html
from sopfsm.qa.simulate import simulate, write_jsonl

HERE = Path(__file__).parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def sample_report() -> str:
    """The sample report's HTML, from the same simulated calls every time."""
    with tempfile.TemporaryDirectory() as folder:
        calls = Path(folder) / "calls.jsonl"
        with calls.open("w", encoding="utf-8") as out:
            write_jsonl(simulate(calls=10_000, seed=1, deviations=0.1), out)
        return summary_html(check_files([str(calls)]))


def screenshot(page: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        tab = browser.new_page(viewport={"width": 1280, "height": 1560})
        # Offline: anything but the file itself is refused.
        tab.route(
            "**/*",
            lambda route: (
                route.continue_() if route.request.url.startswith("file:") else route.abort()
            ),
        )
        tab.goto(page.resolve().as_uri())
        tab.screenshot(path=str(out))
        browser.close()


def main() -> None:
    page = HERE / "report.html"
    page.write_text(sample_report(), encoding="utf-8")
    if "--no-screenshot" not in sys.argv:
        screenshot(page, HERE / "report.png")


if __name__ == "__main__":
    main()
