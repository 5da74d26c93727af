"""The readers: every shape read, every bad line named with its line, nothing stops them."""

from __future__ import annotations

import io
import json
from pathlib import Path

import sopfsm
from sopfsm.qa.read import RecordedCall, Unreadable, iter_chunks, parse_chunk, read_calls

HEADER = "call_id,agent,at,sop,version,outcome,accepts_explanation,meter_reading,data,_note\n"


def test_a_saved_call_is_read_with_its_answers_outcome_and_data(tmp_path: Path) -> None:
    call = sopfsm.start("lebih-tagih").answer("accepts_explanation", "tidak")
    call.answer("meter_reading", "12.345")
    # A signed save: QA reads what the call recorded; authenticity is restore()'s check.
    saved = json.loads(call.to_json(key=sopfsm.SigningKey("qa", b"sixteen bytes or more")))
    assert "signature" in saved
    path = tmp_path / "saved.jsonl"
    path.write_text(json.dumps(saved) + "\n")
    [read] = read_calls([str(path)])
    assert isinstance(read, RecordedCall)
    assert read.sop == "lebih-tagih" and read.version == "2020-04-10"
    assert read.answers == (("accepts_explanation", False), ("meter_reading", 12345.0))
    assert read.outcome == "APKT_TO_UNIT"
    assert read.data == {"accepts_explanation": False, "meter_reading": 12345.0}
    assert read.at == saved["answers"][0]["at"]


def test_csv_fields_may_span_lines_and_exporter_columns_are_never_read(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_text(
        HEADER
        + '1,CSO-1,2020-05-01,lebih-tagih,,APKT_TO_UNIT,tidak,"12.345","{""meter_reading"": 1}",x\n'
        + '2,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,,"a note\nover two lines"\n'
        + "3,CSO-2,2020-05-02,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,,\n"
    )
    calls = list(read_calls([str(path)]))
    assert [(c.line, c.call_id) for c in calls if isinstance(c, RecordedCall)] == [
        (2, "1"),
        (3, "2"),
        (5, "3"),
    ]
    first = calls[0]
    assert isinstance(first, RecordedCall)
    assert first.answers == (("accepts_explanation", "tidak"), ("meter_reading", "12.345"))
    assert first.data == {"meter_reading": 1}


def test_bad_lines_are_named_and_the_rest_still_read(tmp_path: Path) -> None:
    path = tmp_path / "calls.csv"
    path.write_bytes(
        HEADER.encode()
        + b"1,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,,\n"
        + b"2,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,\xff,,,\n"
        + b"3,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,not json,\n"
        + b",CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,,\n"
        + b"5,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,,\n"
    )
    found = list(read_calls([str(path)]))
    problems = [(p.line, p.reason.split(" (")[0]) for p in found if isinstance(p, Unreadable)]
    assert problems == [
        (3, "not UTF-8"),
        (4, "'data' is not a JSON object"),
        (5, "'call_id' is empty"),
    ]
    assert [c.call_id for c in found if isinstance(c, RecordedCall)] == ["1", "5"]


def test_json_lines_refuse_what_is_not_a_call() -> None:
    lines = [
        b'{"call_id": "1", "sop": "lebih-tagih", "answers": [], "outcome": null}\n',
        b'{"call_id": "2", "answers": [], "outcome": null}\n',
        b'{"call_id": "3", "sop": "lebih-tagih", "answers": [{"value": 1}], "outcome": null}\n',
        b'{"call_id": true, "sop": "lebih-tagih", "answers": [], "outcome": null}\n',
        b'{"format": "sopfsm.call", "format_version": 9, "sop": "lebih-tagih"}\n',
        b"[" * 100_000 + b"\n",
    ]
    stdin = io.BufferedReader(io.BytesIO(b"".join(lines)))
    found = [item for chunk in iter_chunks(["-"], stdin=stdin) for item in parse_chunk(chunk)]
    assert isinstance(found[0], RecordedCall)
    reasons = [(p.line, p.reason) for p in found if isinstance(p, Unreadable)]
    assert reasons == [
        (2, "'sop' is missing"),
        (3, "answers[0] must be an object with a text 'question'"),
        (4, "'call_id' must be non-empty text or a whole number"),
        (5, "saved call format version 9 is not supported; supported: 1, 2"),
        (6, "not JSON: nested too deeply"),
    ]


def test_the_format_is_told_by_suffix_or_by_the_first_line(tmp_path: Path) -> None:
    call = '{"call_id": "1", "sop": "lebih-tagih", "answers": [], "outcome": null}\n'
    unnamed = tmp_path / "calls.export"
    unnamed.write_text(call)
    assert [c.fmt for c in iter_chunks([str(unnamed)])] == ["jsonl"]
    unnamed.write_text(HEADER + "1,CSO-1,2020-05-01,lebih-tagih,,APKT_ISSUE_CLOSED,ya,,,\n")
    assert [c.fmt for c in iter_chunks([str(unnamed)])] == ["csv"]
    assert [c.fmt for c in iter_chunks([str(unnamed)], "jsonl")] == ["jsonl"]
