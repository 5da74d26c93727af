"""One JSON log line per request, with its request id, and never a token or a NIK."""

from __future__ import annotations

import io
import json
import logging
import re
import time
from collections.abc import Iterator

import httpx
import pytest

from sopfsm.service.logs import LOGGER, JsonLines
from tests.support.backends import PATIENCE, TOKENS

TOKEN = next(iter(TOKENS))
NIKS = ("3171-0101-0190-0001", "3171010101900001", "3171 0101 0190 0002")
FIELDS = {"time", "request_id", "agent", "method", "route", "status", "duration_ms"}


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """What the service writes to its request log, as the operator's stream gets it."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLines())
    level = LOGGER.level
    LOGGER.addHandler(handler)
    LOGGER.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        LOGGER.removeHandler(handler)
        LOGGER.setLevel(level)


def _lines(stream: io.StringIO, count: int) -> list[dict[str, object]]:
    """The first ``count`` lines: a request's line is written once its response is sent."""
    deadline = time.monotonic() + PATIENCE
    while len(stream.getvalue().splitlines()) < count and time.monotonic() < deadline:
        time.sleep(0.01)
    return [json.loads(line) for line in stream.getvalue().splitlines()]


def _leaks(text: str) -> list[str]:
    """The secrets and personal data of these tests found in ``text``."""
    digits = re.sub(r"\D", "", text)
    found = [TOKEN] if TOKEN in text else []
    return found + [nik for nik in NIKS if re.sub(r"\D", "", nik) in digits or nik in text]


def test_the_leak_check_finds_a_token_and_a_nik() -> None:
    assert _leaks(f'{{"agent": "{TOKEN}"}}') == [TOKEN]
    assert _leaks('{"value": "3171 0101 0190 0001"}') == [NIKS[0], NIKS[1]]
    assert _leaks('{"status": 200, "duration_ms": 1.5}') == []


def test_each_request_logs_one_line_with_its_fields(
    client: httpx.Client, log_lines: io.StringIO
) -> None:
    call = client.post("/v1/calls", json={"sop": "turun-daya"}, headers={"X-Request-ID": "r-1"})
    assert call.headers["x-request-id"] == "r-1"
    client.get(f"/v1/calls/{call.json()['id']}")
    lines = _lines(log_lines, 2)
    assert len(lines) == 2
    assert all(set(line) == FIELDS for line in lines)
    first, second = lines
    assert first["request_id"] == "r-1"
    assert (first["method"], first["route"], first["status"]) == ("POST", "/v1/calls", 201)
    assert first["agent"] == "ana"
    assert second["route"] == "/v1/calls/{call_id}"  # the template, not the call's id
    assert isinstance(second["duration_ms"], float)
    assert re.fullmatch(r"[0-9a-f]{32}", str(second["request_id"]))  # made: none was sent


@pytest.mark.parametrize("given", [b"", b"a b", b"x" * 129, b"<script>", "é".encode()])
def test_an_unsafe_request_id_is_replaced(client: httpx.Client, given: bytes) -> None:
    response = client.get("/healthz", headers={b"X-Request-ID": given})
    made = response.headers["x-request-id"]
    assert made.encode() != given
    assert re.fullmatch(r"[0-9a-f]{32}", made)


def test_no_log_line_holds_a_token_or_a_nik(client: httpx.Client, log_lines: io.StringIO) -> None:
    for nik in NIKS:
        call = client.post(
            "/v1/calls", json={"sop": "turun-daya", "answers": {"target_tariff": "subsidi"}}
        ).json()
        answers = f"/v1/calls/{call['id']}/answers"
        refused = client.post(answers, json={"question": "nik", "value": nik + "9", "revision": 1})
        assert refused.status_code == 422  # the refusal tells the value back to its client
        moved = client.post(answers, json={"question": "nik", "value": nik, "revision": 1})
        assert moved.status_code == 200, moved.text
        client.get(f"/v1/calls/{call['id']}/saved")
        client.get("/v1/calls", params={"agent": nik})
    client.get("/v1/calls", headers={"Authorization": f"Bearer {TOKEN}x"})  # a wrong token
    assert len(_lines(log_lines, 5 * len(NIKS) + 1)) == 5 * len(NIKS) + 1
    text = log_lines.getvalue()
    assert _leaks(text) == []
