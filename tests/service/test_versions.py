"""Over HTTP, on both stores: a call keeps the SOP version it started under to its end,
even when a newer version takes effect mid-call, says when one has, and check-calls
judges it against its own version."""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sopfsm.catalogue import add_versions, clear_added_versions
from sopfsm.cli import main
from sopfsm.formats.yaml import read_yaml
from sopfsm.versions import WIT

ROOT = Path(__file__).parent.parent.parent
UPDATE_FILE = ROOT / "docs" / "examples" / "lebih-tagih-illustrative-update.yaml"
OLD, ACCEPTED = "2020-04-10", {"question": "accepts_explanation", "value": "ya"}
LEAD = dt.timedelta(seconds=2)  # time enough to start a call before the update


@pytest.fixture(autouse=True)
def _bundled_only() -> Iterator[None]:
    clear_added_versions()
    yield
    clear_added_versions()


def _update(effective: dt.datetime) -> tuple[str, str]:
    """The illustrative update as a version of today taking effect at ``effective``."""
    version = effective.astimezone(WIT).date().isoformat()
    text = UPDATE_FILE.read_text("utf-8").replace(
        "version: '2026-12-01'\n",
        f"version: '{version}'\neffective: '{effective.isoformat(timespec='seconds')}'\n",
    )
    assert f"version: '{version}'" in text
    return text, version


def _wait_until(moment: dt.datetime) -> None:
    while (left := (moment - dt.datetime.now(dt.UTC)).total_seconds()) > -0.05:
        time.sleep(max(left + 0.05, 0.01))


def _answer(client: httpx.Client, call: dict[str, object]) -> dict[str, object]:
    response = client.post(
        f"/v1/calls/{call['id']}/answers", json={**ACCEPTED, "revision": call["revision"]}
    )
    assert response.status_code == 200, response.text
    body: dict[str, object] = response.json()
    return body


def test_a_call_started_the_second_before_an_update_finishes_under_the_old_version(
    client: httpx.Client, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    effective = (dt.datetime.now(dt.UTC) + LEAD).replace(microsecond=0) + dt.timedelta(seconds=1)
    text, new = _update(effective)
    add_versions([(read_yaml(text, "update.yaml"), "update.yaml")])

    started = client.post("/v1/calls", json={"sop": "lebih-tagih"}).json()
    assert dt.datetime.now(dt.UTC) < effective, "the machine is too slow for this test"
    assert (started["version"], started["newer_version"]) == (OLD, None)

    _wait_until(effective)
    held = client.get(f"/v1/calls/{started['id']}").json()
    assert (held["version"], held["newer_version"]) == (OLD, new)
    old_call = _answer(client, held)
    # The 2020 rule: an accepted explanation closes the issue (the update sends it to a unit).
    assert old_call["outcome"]["code"] == "APKT_ISSUE_CLOSED"  # type: ignore[index]
    assert (old_call["version"], old_call["newer_version"]) == (OLD, new)
    listed = client.get("/v1/calls", params={"sop": "lebih-tagih"}).json()["calls"]
    assert {c["id"]: c["version"] for c in listed} == {started["id"]: OLD}

    new_call = _answer(client, client.post("/v1/calls", json={"sop": "lebih-tagih"}).json())
    assert new_call["outcome"]["code"] == "APKT_TO_UNIT"  # type: ignore[index]
    assert (new_call["version"], new_call["newer_version"]) == (new, None)
    # The old call's chart is its own version's: the update's new question is not on it.
    chart = client.get("/v1/sops/lebih-tagih/diagram.svg", params={"call": started["id"]})
    drawn = chart.text.replace("&#45;", "-")
    assert chart.status_code == 200 and f"versi {OLD}" in drawn and new not in drawn

    # check-calls, given the same folder, judges each saved call by the version it names.
    folder = tmp_path / "sops"
    folder.mkdir()
    (folder / "lebih-tagih-update.yaml").write_text(text, encoding="utf-8")
    saved = [client.get(f"/v1/calls/{c['id']}/saved").text for c in (old_call, new_call)]
    relabelled = json.loads(saved[0])
    del relabelled["signature"]
    relabelled["version"] = new  # the old call's answers and outcome, judged by the update
    calls = tmp_path / "calls.jsonl"
    lines = [json.dumps(json.loads(s)) for s in saved] + [json.dumps(relabelled)]
    calls.write_text("\n".join(lines) + "\n", encoding="utf-8")
    clear_added_versions()
    code = main(["--sops", str(folder), "check-calls", str(calls), "--format", "jsonl"])
    *judged, _summary = (json.loads(line) for line in capsys.readouterr().out.splitlines())
    assert [[d["code"] for d in c["deviations"]] for c in judged] == [
        [],
        [],
        ["outcome_not_allowed"],
    ]
    assert code == 1
