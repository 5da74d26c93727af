"""``sopfsm reads``: the recorded reads of personal data, from the command line."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from sopfsm.cli import main
from sopfsm.store import open_store
from sopfsm.store.base import PersonalRead

AT = dt.datetime(2026, 3, 2, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'calls.db'}"
    store = open_store(url)
    try:
        store.record_read(PersonalRead("quinn", "qa", "call-1", AT))
        store.record_read(PersonalRead("sari", "supervisor", "call-1", AT + dt.timedelta(1)))
        store.record_read(PersonalRead("quinn", "qa", "call-2", AT + dt.timedelta(2)))
    finally:
        store.close()
    return url


def test_reads_lists_who_read_which_call_newest_first(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reads", "--store", url]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[1:] for line in lines] == [
        ["quinn", "qa", "call-2"],
        ["sari", "supervisor", "call-1"],
        ["quinn", "qa", "call-1"],
    ]


def test_reads_of_one_call_by_one_agent_as_json(
    url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["reads", "--store", url, "--call", "call-1", "--agent", "quinn", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "reads": [{"agent": "quinn", "role": "qa", "call": "call-1", "at": AT.isoformat()}]
    }
    assert main(["reads", "--store", url, "--agent", "nobody"]) == 0
    assert capsys.readouterr().out == "no recorded reads\n"


@pytest.mark.parametrize("limit", ["0", "many", "10001"])
def test_reads_refuses_a_limit_out_of_range(
    url: str, limit: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["reads", "--store", url, "--limit", limit])
    assert exited.value.code == 2
    err = capsys.readouterr().err
    assert "1 to 10000" in err or "whole number" in err
    assert len(err.strip().splitlines()) == 1
