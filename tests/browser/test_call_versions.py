"""On the call screen, a call that keeps its SOP version while a newer one takes effect
says so to the CSO, in Indonesian, and finishes under its own version, in its own words;
a call started afterwards runs the newer one, in its words."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from sopfsm.versions import WIT
from tests.support.backends import PATIENCE, free_port
from tests.support.browser import AGENT, ROOT, VIEWPORT
from tests.support.driving import answer_by_key, keys_ready, open_call_screen, start_by_key

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = pytest.mark.browser

UPDATE = ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml"
LEAD = dt.timedelta(seconds=15)  # time to start the service, sign in and start a call


@pytest.fixture
def updating(tmp_path: Path) -> Iterator[tuple[str, dt.datetime, str]]:
    """``sopfsm serve --dev --sops DIR`` whose folder holds the illustrative update of
    lebih-tagih, taking effect ``LEAD`` from now: its address, that moment, the version."""
    effective = (dt.datetime.now(dt.UTC) + LEAD).replace(microsecond=0)
    version = effective.astimezone(WIT).date().isoformat()
    folder = tmp_path / "sops"
    folder.mkdir()
    text = UPDATE.read_text("utf-8").replace(
        "version: '2026-12-01'\n",
        f"version: '{version}'\neffective: '{effective.isoformat()}'\n",
    )
    (folder / "lebih-tagih-update.yaml").write_text(text, encoding="utf-8")
    port = free_port()
    command = [sys.executable, "-m", "sopfsm", "serve", "--dev", "--port", str(port)]
    command += ["--store", f"sqlite:///{tmp_path / 'calls.db'}", "--sops", str(folder)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("SOPFSM_TOKENS_FILE", None)
    process = subprocess.Popen(
        command, cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + PATIENCE
        while time.monotonic() < deadline:
            assert process.poll() is None, f"sopfsm serve exited with {process.returncode}"
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        yield base, effective, version
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:  # pragma: no cover - a server that hangs on exit
            process.kill()


def test_a_call_keeping_its_version_says_a_newer_one_is_in_force(
    browser: Browser, updating: tuple[str, dt.datetime, str]
) -> None:
    from playwright.sync_api import expect

    base, effective, version = updating
    context = browser.new_context(viewport=VIEWPORT, base_url=base, locale="id-ID")
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        open_call_screen(page, AGENT)
        call_id = start_by_key(page, "lebih-tagih")
        if dt.datetime.now(dt.UTC) >= effective:
            pytest.fail("the machine took too long to start a call before the update")
        expect(page.locator("[data-newer-version]")).to_have_count(0)

        time.sleep(max(0.0, (effective - dt.datetime.now(dt.UTC)).total_seconds()) + 0.2)
        answer_by_key(page, "lebih-tagih", "accepts_explanation", "yes")
        # Under the version it started with: an accepted explanation closes the issue.
        expect(page.locator('[data-outcome="APKT_ISSUE_CLOSED"]')).to_be_visible()
        notice = page.locator(f'[data-newer-version="{version}"]')
        expect(notice).to_have_text(
            f"Panggilan ini tetap memakai SOP versi 2020-04-10 sampai selesai; versi {version} "
            "kini berlaku untuk panggilan baru."
        )

        page.click("[data-new-call]")
        keys_ready(page)
        start_by_key(page, "lebih-tagih")
        # The new call runs the update (the page, loaded before it took effect, has every
        # version): its reworded question, and no notice.
        expect(page.locator("[data-prompt]")).to_contain_text("bersedia membayar")
        expect(page.locator("[data-newer-version]")).to_have_count(0)

        # The earlier call, resumed on a page that loaded after the update, is shown in
        # its own version's words (the update's closing step reports to the unit).
        page.goto(f"/#call={call_id}")
        page.reload()
        expect(page.locator("[data-call-id]")).to_have_text(call_id)
        expect(notice).to_be_visible()
        expect(page.locator("[data-step]")).to_contain_text("buat APKT ISSUE CLOSED")
    finally:
        context.close()
