"""Only an operator's own argument names a SOP file: an id from data is a catalogue id."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sopfsm
from sopfsm.catalogue import get_sop
from sopfsm.cli import main
from sopfsm.formats.load import sop_from_argument
from sopfsm.formats.yaml import sop_to_yaml

# A valid SOP file that differs from the bundled one only in a word of its title: judging
# or restoring a call against it would look right, which is why it must never be read.
_MARK = "BACA-FILE-INI"


def _sop_file(folder: Path) -> Path:
    path = folder / "lebih-tagih.yaml"
    text = sop_to_yaml(get_sop("lebih-tagih")).replace("Keluhan Lebih Tagih", _MARK)
    assert _MARK in text
    path.write_text(text, encoding="utf-8")
    return path


def test_an_id_shaped_like_a_path_is_an_unknown_sop_and_no_file_is_read(tmp_path: Path) -> None:
    path = _sop_file(tmp_path)
    for sop_id in (str(path), "lebih.tagih", "ps/other", "ps\\other", "</script>", "../x.yaml"):
        with pytest.raises(sopfsm.UnknownSop) as refused:
            get_sop(sop_id)
        assert _MARK not in str(refused.value)
    with pytest.raises(sopfsm.UnknownSop):
        sopfsm.start(str(path))


def test_the_operators_argument_may_name_a_sop_file_or_a_catalogue_id(tmp_path: Path) -> None:
    path = _sop_file(tmp_path)
    assert sop_from_argument(str(path)).title.id == _MARK
    assert sop_from_argument("lebih-tagih") is get_sop("lebih-tagih")
    with pytest.raises(sopfsm.UnknownSop):
        sop_from_argument("lebih_tagih")


def test_a_save_naming_a_file_is_refused_by_name_without_reading_the_file(tmp_path: Path) -> None:
    path = _sop_file(tmp_path)
    saved = json.loads(sopfsm.start("lebih-tagih").to_json())
    saved["sop"] = str(path)
    with pytest.raises(sopfsm.SavedCallError) as refused:
        sopfsm.restore(json.dumps(saved))
    assert "unknown SOP" in str(refused.value)
    assert _MARK not in str(refused.value)
    assert refused.value.where == "sop"


def test_a_recorded_call_naming_a_path_is_judged_unknown_sop_and_the_run_goes_on(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _sop_file(tmp_path)
    good = {
        "call_id": "A1", "sop": "lebih-tagih", "outcome": "APKT_ISSUE_CLOSED",
        "answers": [{"question": "accepts_explanation", "value": "ya"}],
    }  # fmt: skip
    odd_ids = ["lebih.tagih", "ps/other", "</script>", str(path), str(tmp_path / "x.txt")]
    calls = tmp_path / "calls.jsonl"
    lines = [json.dumps(good)]
    lines += [json.dumps({**good, "call_id": f"B{i}", "sop": s}) for i, s in enumerate(odd_ids)]
    calls.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert main(["check-calls", str(calls), "--format", "jsonl"]) == 1
    out, _ = capsys.readouterr()
    *verdicts, last = (json.loads(line) for line in out.splitlines())
    assert [v["verdict"] for v in verdicts] == ["conforms"] + ["deviates"] * len(odd_ids)
    assert [v["deviations"][0]["code"] for v in verdicts[1:]] == ["unknown_sop"] * len(odd_ids)
    assert last["summary"]["calls"] == 1 + len(odd_ids)
