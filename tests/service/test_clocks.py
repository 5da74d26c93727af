"""Two real ``sopfsm serve`` processes on one store whose clocks differ by seconds, one
way and the other (libfaketime): every call they answer together stays readable, its
answers in the order they were applied, no time before the one it follows."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

import sopfsm
from tests.support.backends import PATIENCE, TOKENS, store_url
from tests.support.servers import ROOT, Served

AUTH = {"Authorization": f"Bearer {next(iter(TOKENS))}"}
SKEW = 20  # seconds: far more than two requests take, far less than restore's tolerance


@pytest.mark.parametrize("kind", ["sqlite", "postgres"])
@pytest.mark.parametrize("skew", [-SKEW, SKEW], ids=["behind", "ahead"])
def test_servers_whose_clocks_differ_keep_every_call_they_share_readable(
    kind: str,
    skew: int,
    *,
    tmp_path: Path,
    tokens_file: Path,
    serve: Callable[..., Served],
    request: pytest.FixtureRequest,
) -> None:
    url = store_url(kind, tmp_path, request)
    args = ("--store", url, "--tokens", str(tokens_file))
    a = serve(*args)
    b = serve(*args, clock=f"{skew:+d}s")
    with (
        httpx.Client(base_url=a.url, headers=AUTH, timeout=PATIENCE) as on_a,
        httpx.Client(base_url=b.url, headers=AUTH, timeout=PATIENCE) as on_b,
    ):
        call = on_a.post("/v1/calls", json={"sop": "turun-daya"}).json()
        answers = f"/v1/calls/{call['id']}/answers"
        steps = [
            (on_a, {"question": "target_tariff", "value": "subsidi", "revision": 0}),
            (on_b, {"question": "nik", "value": "3171-0101-0190-0001", "revision": 1}),
            (on_a, {"question": "nik_eligible", "value": "ya", "revision": 2}),
        ]
        for client, body in steps:
            answered = client.post(answers, json=body)
            assert answered.status_code == 200, answered.text
        log = answered.json()["log"]
        times = [dt.datetime.fromisoformat(entry["at"]) for entry in log]
        assert [e["question"] for e in log] == ["target_tariff", "nik", "nik_eligible"]
        assert times == sorted(times)
        # The server whose clock read earlier recorded the answer before its own at that
        # answer's time: B's when B is behind, A's last one when B is ahead.
        clamped = 1 if skew < 0 else 2
        assert times[clamped] == times[clamped - 1]
        for client in (on_a, on_b):
            shown = client.get(f"/v1/calls/{call['id']}")
            assert shown.status_code == 200, shown.text
            assert shown.json()["log"] == log
            saved = client.get(f"/v1/calls/{call['id']}/saved")
            assert saved.status_code == 200, saved.text
            assert sopfsm.restore(saved.text).path == tuple(shown.json()["path"])
            drawn = client.get("/v1/sops/turun-daya/diagram.svg", params={"call": call["id"]})
            assert drawn.status_code == 200, drawn.text
            listed = client.get("/v1/calls")
            assert listed.status_code == 200, listed.text
            assert [c["id"] for c in listed.json()["calls"]] == [call["id"]]
    for served in (a, b):
        served.process.terminate()
        served.process.communicate(timeout=PATIENCE)
    checked = subprocess.run(
        [sys.executable, "-m", "sopfsm", "check-calls", "--store", url, "--format", "jsonl"],
        cwd=ROOT,
        check=False,
        capture_output=True,
        text=True,
        timeout=PATIENCE,
    )
    assert checked.returncode == 0, checked.stderr
    summary = json.loads(checked.stdout.splitlines()[-1])["summary"]
    assert summary["calls"] == 1
