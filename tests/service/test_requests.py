"""Whatever JSON a client sends, the service answers 2xx or a 4xx problem+json, never a
500: a lone surrogate anywhere, a key named twice, a number of thousands of digits."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sopfsm.service.app import create_app
from sopfsm.service.config import ServiceConfig
from sopfsm.service.problems import HttpProblem
from sopfsm.service.requests import NOT_QUICK, quick_json, strict_json
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread

AUTH = {"Authorization": "Bearer tok-fuzz", "Content-Type": "application/json"}
LONE = "\ud800"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[httpx.Client]:
    folder: Path = tmp_path_factory.mktemp("requests")
    tokens = folder / "tokens"
    tokens.write_text("tok-fuzz fuzz\n", encoding="utf-8")
    store = open_store(f"sqlite:///{folder / 'calls.db'}")
    app = create_app(ServiceConfig(tokens_file=tokens), store)
    try:
        with ServerThread(app) as url, httpx.Client(base_url=url, timeout=PATIENCE) as opened:
            yield opened
    finally:
        store.close()


def _send(client: httpx.Client, path: str, body: object) -> Any:
    # ensure_ascii: a lone surrogate travels as the escape \ud800, as a client sends it.
    return client.post(path, content=json.dumps(body), headers=AUTH)


def _a_call(client: httpx.Client) -> str:
    started = _send(client, "/v1/calls", {"sop": "turun-daya"})
    assert started.status_code == 201
    call_id: str = started.json()["id"]
    return call_id


def _refused(response: Any, status: int = 400) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


BODIES = {
    "sop": ("/v1/calls", {"sop": LONE}),
    "answers key": ("/v1/calls", {"sop": "turun-daya", "answers": {LONE: "ya"}}),
    "answers value": ("/v1/calls", {"sop": "turun-daya", "answers": {"nik": "31" + LONE}}),
    "unknown field": ("/v1/calls", {"sop": "turun-daya", LONE: 1}),
    "question": ("answers", {"question": LONE, "value": "ya", "revision": 0}),
    "value": ("answers", {"question": "target_tariff", "value": LONE, "revision": 0}),
    "nested value": ("answers", {"question": "nik", "value": [{"x": LONE}], "revision": 0}),
}


@pytest.mark.parametrize("where", BODIES)
def test_a_lone_surrogate_anywhere_in_a_body_is_refused_naming_where(
    client: httpx.Client, where: str
) -> None:
    path, body = BODIES[where]
    if path == "answers":
        path = f"/v1/calls/{_a_call(client)}/answers"
    problem = _refused(_send(client, path, body))
    assert "surrogate" in problem["detail"]
    assert "surrogate" in problem["detail_id"]


def test_a_key_named_twice_in_a_body_is_refused_naming_the_key(client: httpx.Client) -> None:
    twice = client.post("/v1/calls", content='{"sop": "a", "sop": "turun-daya"}', headers=AUTH)
    problem = _refused(twice)
    assert problem["field"] == "sop"
    assert "twice" in problem["detail"]
    assert "dua kali" in problem["detail_id"]
    nested = '{"sop": "turun-daya", "answers": {"target_tariff": "subsidi", "target_tariff": 1}}'
    assert _refused(client.post("/v1/calls", content=nested, headers=AUTH))["field"] == (
        "target_tariff"
    )


@pytest.mark.parametrize("name", ["cursor", "limit"])
def test_a_query_number_of_thousands_of_digits_is_refused(client: httpx.Client, name: str) -> None:
    problem = _refused(client.get("/v1/calls", params={name: "9" * 5000}, headers=AUTH))
    assert problem["field"] == name


def test_a_number_too_large_for_a_float_is_refused(client: httpx.Client) -> None:
    path = f"/v1/calls/{_a_call(client)}/answers"
    body = '{"question": "target_tariff", "value": 1e999, "revision": 0}'
    _refused(client.post(path, content=body, headers=AUTH))


# Joined by hand: st.text() leaves lone surrogates out of any alphabet it is given.
SURROGATE_TEXT = st.lists(
    st.characters() | st.sampled_from(["\ud800", "\udbff", "\udc00"]), max_size=8
).map("".join)
JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | SURROGATE_TEXT,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(SURROGATE_TEXT, inner, max_size=3),
    max_leaves=6,
)
QUESTIONS = st.sampled_from(["target_tariff", "nik", "nik_eligible"]) | SURROGATE_TEXT


@st.composite
def bodies(draw: st.DrawFn, fields: dict[str, st.SearchStrategy[Any]]) -> dict[str, Any]:
    """Some of the route's fields, each a likely value or any JSON, and maybe another."""
    body = {
        name: draw(likely | JSON)
        for name, likely in fields.items()
        if draw(st.booleans()) or name != "answers"
    }
    if draw(st.integers(0, 4)) == 0:
        body[draw(SURROGATE_TEXT)] = draw(JSON)
    return body


START = {
    "sop": st.sampled_from(["turun-daya", "lebih-tagih"]) | SURROGATE_TEXT,
    "answers": st.dictionaries(QUESTIONS, JSON, max_size=3),
}
ANSWER = {"question": QUESTIONS, "value": JSON, "revision": st.integers(-1, 3) | JSON}


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(start=bodies(START), answer=bodies(ANSWER))
def test_any_json_body_is_answered_or_refused_never_a_server_error(
    client: httpx.Client, start: dict[str, Any], answer: dict[str, Any]
) -> None:
    started = _send(client, "/v1/calls", start)
    _answered_or_refused(started)
    call_id = started.json()["id"] if started.status_code == 201 else _a_call(client)
    answered = _send(client, f"/v1/calls/{call_id}/answers", answer)
    _answered_or_refused(answered)
    for path in (f"/v1/calls/{call_id}", "/v1/calls?limit=3"):
        assert client.get(path, headers=AUTH).status_code == 200


def _answered_or_refused(response: Any) -> None:
    assert response.status_code < 500, response.text
    kind = "application/json" if response.status_code < 300 else "application/problem+json"
    assert response.headers["content-type"] == kind
    response.json()


def _same(a: Any, b: Any) -> bool:
    """Equal, and of the same types all the way down (1 is not 1.0, -0.0 is not 0.0)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))
    if isinstance(a, float):
        return repr(a) == repr(b)
    return bool(a == b)


_JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**25), max_value=10**25)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=12,
)


@given(
    value=_JSON,
    spacing=st.sampled_from([(",", ":"), (", ", ": "), (" ,", " :\n")]),
    ascii_only=st.booleans(),
    twice=st.none() | st.tuples(st.text(max_size=4), _JSON),
)
def test_the_quick_reading_of_a_body_is_the_strict_one_or_leaves_it_the_strict_one(
    value: object, spacing: tuple[str, str], ascii_only: bool, twice: tuple[str, object] | None
) -> None:
    text = json.dumps(value, separators=spacing, ensure_ascii=ascii_only)
    if twice is not None:  # a key named twice, which only the strict reading refuses
        key = json.dumps(twice[0])
        text = f"{{{key}:{json.dumps(twice[1])},{key}:{text}}}"
    body = text.encode("utf-8", "surrogatepass")
    quick = quick_json(body)
    try:
        strict = strict_json(body)
    except HttpProblem:
        assert quick is NOT_QUICK  # what the strict reading refuses, the quick one leaves
        return
    assert quick is NOT_QUICK or _same(quick, strict)


@pytest.mark.parametrize(
    "body",
    [
        b'{"a":1,"a":2}',
        b'{"a":{"b":1, "b" :2}}',
        b'[{"x":"\\":"},{"x":1,"x":1}]',
        b'{"n":123456789012345678901234567890}',
        b'{"s":"\\ud800"}',
        b'{"f":1e999}',
        b'{"c":NaN}',
        b"\xef\xbb\xbf{}",
    ],
)
def test_a_body_the_quick_reading_would_misread_is_left_to_the_strict_one(body: bytes) -> None:
    assert quick_json(body) is NOT_QUICK


def test_an_answers_body_is_read_quickly() -> None:
    body = b'{"question": "meter_reading", "value": 12.5, "revision": 3}'
    assert quick_json(body) == {"question": "meter_reading", "value": 12.5, "revision": 3}
