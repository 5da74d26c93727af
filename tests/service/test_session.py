"""The screen's session cookie over HTTP: made only from a known token, refused when
forged, signed by another server, revoked, or sent by another site's page."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from sopfsm.service.app import create_app
from sopfsm.service.auth import new_token
from sopfsm.service.config import ServiceConfig
from sopfsm.service.session import COOKIE
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, str, Path]]:
    token, entry = new_token("ana", "cso")
    tokens = tmp_path / "tokens"
    tokens.write_text(entry.line() + "\n", encoding="utf-8")
    app = create_app(ServiceConfig(tokens_file=tokens), open_store("memory:"))
    with ServerThread(app) as url:
        yield url, token, tokens


@contextlib.contextmanager
def signed_in(url: str, token: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=url, timeout=PATIENCE) as client:
        response = client.post("/signin", data={"token": token}, headers={"Origin": url})
        assert response.status_code == 303, response.text
        assert response.headers["location"] == "/"
        cookie = response.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and token not in cookie
        yield client


def test_a_session_names_the_agent_and_role_of_its_token(served: tuple[str, str, Path]) -> None:
    url, token, _ = served
    with signed_in(url, token) as client:
        assert client.get("/v1/me").json() == {"agent": "ana", "role": "cso"}
        started = client.post("/v1/calls", json={"sop": "lebih-tagih"}, headers={"Origin": url})
        assert started.status_code == 201
        assert started.json()["agent"] == "ana"


def test_an_unknown_token_gets_no_session(served: tuple[str, str, Path]) -> None:
    url, _, _ = served
    with httpx.Client(base_url=url, timeout=PATIENCE) as client:
        response = client.post("/signin", data={"token": "guess"}, headers={"Origin": url})
        assert response.status_code == 401
        assert "Token tidak dikenal" in response.text
        assert "set-cookie" not in response.headers


def test_a_cross_site_post_is_refused_and_changes_nothing(served: tuple[str, str, Path]) -> None:
    url, token, _ = served
    with signed_in(url, token) as client:
        for headers in ({"Origin": "https://evil.example"}, {}, {"Sec-Fetch-Site": "cross-site"}):
            response = client.post("/v1/calls", json={"sop": "lebih-tagih"}, headers=headers)
            assert response.status_code == 403, headers
            assert response.headers["content-type"] == "application/problem+json"
        assert client.get("/v1/calls").json()["calls"] == []
        sneaked = client.post("/signin", data={"token": token}, headers={"Origin": "https://x.y"})
        assert sneaked.status_code == 403


def test_a_forged_or_foreign_cookie_is_refused(served: tuple[str, str, Path]) -> None:
    url, token, _ = served
    with signed_in(url, token) as client:
        value = client.cookies[COOKIE]
        body, _, signature = value.partition(".")
        for forged in (f"{body}.{'0' * len(signature)}", "garbage", f"{body}x.{signature}"):
            client.cookies.set(COOKIE, forged)
            response = client.get("/v1/me")
            assert response.status_code == 401, forged
    # A cookie another server signed, with another secret, is not this one's.
    other = create_app(ServiceConfig(tokens_file=served[2]), open_store("memory:"))
    with ServerThread(other) as second, signed_in(second, token) as elsewhere:
        foreign = elsewhere.cookies[COOKIE]
    with httpx.Client(base_url=url, timeout=PATIENCE, cookies={COOKIE: foreign}) as client:
        assert client.get("/v1/me").status_code == 401


def test_a_revoked_token_ends_its_sessions(served: tuple[str, str, Path]) -> None:
    import time

    from sopfsm.service.auth import RELOAD_SECONDS

    url, token, tokens = served
    with signed_in(url, token) as client:
        _, replacement = new_token("ana", "cso")  # revoked, and a new token given
        tokens.write_text(replacement.line() + "\n", encoding="utf-8")
        time.sleep(RELOAD_SECONDS + 0.5)
        assert client.get("/v1/me").status_code == 401


def test_signing_out_clears_the_cookie(served: tuple[str, str, Path]) -> None:
    url, token, _ = served
    with signed_in(url, token) as client:
        response = client.post("/signout", headers={"Origin": url})
        assert response.status_code == 303 and response.headers["location"] == "/signin"
        assert COOKIE not in client.cookies
        assert client.get("/v1/me").status_code == 401


@pytest.mark.parametrize(
    ("given", "back_to"),
    [("/practice", "/practice"), ("/", "/"), ("https://evil.example/", "/"), ("//evil", "/")],
)
def test_signing_in_returns_to_the_screen_that_asked_and_nowhere_else(
    served: tuple[str, str, Path], given: str, back_to: str
) -> None:
    url, token, _ = served
    with httpx.Client(base_url=url, timeout=PATIENCE) as client:
        page = client.get("/signin", params={"next": given})
        assert (f'name="next" value="{back_to}"' in page.text) == (back_to != "/")
        assert "evil" not in page.text
        response = client.post(
            "/signin", data={"token": token, "next": given}, headers={"Origin": url}
        )
        assert response.status_code == 303 and response.headers["location"] == back_to
        assert client.get("/v1/me").json() == {"agent": "ana", "role": "cso"}
