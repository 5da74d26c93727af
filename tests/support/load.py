"""Agents answering calls over HTTP at once, keeping a record of every acknowledged answer,
for the concurrency and crash tests."""

from __future__ import annotations

import random
import threading
from collections import Counter
from typing import Any

import attrs
import httpx

VALUES: dict[str, list[object]] = {
    "urgent": ["ya", "tidak"],
    "access_restricted": ["ya", "tidak"],
    "region_scheme": ["1", "2"],
    "target_tariff": ["subsidi", "non subsidi"],
    "nik": ["3171-0101-0190-0001"],
    "nik_eligible": ["ya", "tidak"],
    "asks_about_eligibility": ["ya", "tidak"],
    "accepts_explanation": ["ya", "tidak"],
    "meter_reading": ["12.345", 7],
}
SOPS = ("niaga-overdue", "ps-welding", "turun-daya", "lebih-tagih", "gangguan-persil")


@attrs.define
class Acknowledged:
    """Answers the service said it applied: (call, revision after it) -> (question, agent)."""

    answers: dict[tuple[str, int], tuple[str, str]] = attrs.field(factory=dict)
    conflicts: int = 0
    lock: threading.Lock = attrs.field(factory=threading.Lock)

    def record(self, body: dict[str, Any]) -> None:
        last = body["log"][-1]
        with self.lock:
            key = (body["id"], body["revision"])
            assert key not in self.answers, f"two answers acknowledged as {key}"
            self.answers[key] = (last["question"], last["agent"])

    def conflict(self) -> None:
        with self.lock:
            self.conflicts += 1

    def per_call(self) -> Counter[str]:
        return Counter(call_id for call_id, _ in self.answers)


def start_calls(client: httpx.Client, count: int) -> list[str]:
    ids = []
    for n in range(count):
        response = client.post("/v1/calls", json={"sop": SOPS[n % len(SOPS)]})
        assert response.status_code == 201, response.text
        ids.append(response.json()["id"])
    return ids


def answer_until_done(
    client: httpx.Client,
    call_ids: list[str],
    acknowledged: Acknowledged,
    seed: int,
    stop: threading.Event,
) -> None:
    """Read a random open call and answer what it asks, at the revision read, until every
    call has its outcome (or ``stop``); 409s are expected when agents race."""
    rng = random.Random(seed)
    open_calls = list(call_ids)
    while open_calls and not stop.is_set():
        call_id = rng.choice(open_calls)
        try:
            read = client.get(f"/v1/calls/{call_id}")
            if read.status_code != 200:
                raise AssertionError(read.text)
            call = read.json()
            if call["pending"] is None:
                open_calls.remove(call_id)
                continue
            response = client.post(
                f"/v1/calls/{call_id}/answers",
                json={
                    "question": call["pending"],
                    "value": rng.choice(VALUES[call["pending"]]),
                    "revision": call["revision"],
                },
            )
        except httpx.TransportError:
            if stop.is_set():
                return
            raise
        if response.status_code == 200:
            acknowledged.record(response.json())
        elif response.status_code == 409:
            acknowledged.conflict()
        else:
            raise AssertionError(f"{response.status_code}: {response.text}")


def check_against_logs(
    client: httpx.Client, call_ids: list[str], acknowledged: Acknowledged
) -> list[dict[str, Any]]:
    """Every call is consistent with its log, and holds each acknowledged answer once."""
    calls = []
    for call_id in call_ids:
        response = client.get(f"/v1/calls/{call_id}")
        assert response.status_code == 200, response.text  # the log replays through the SOP
        call = response.json()
        assert call["revision"] == len(call["log"])
        assert list(call["answers"]) == [e["question"] for e in call["log"]]
        assert len(call["path"]) >= len(call["log"]) + 1  # every answer moved the call on
        for revision, entry in enumerate(call["log"], start=1):
            known = acknowledged.answers.get((call_id, revision))
            if known is not None:
                assert known == (entry["question"], entry["agent"])
        calls.append(call)
    return calls
