"""The tokens file a server reads: every bad line refused at start, a change seen while
running, so that a revoked token stops working on every server."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest

from sopfsm.cli import main
from sopfsm.errors import ServiceConfigError
from sopfsm.service.app import create_app
from sopfsm.service.auth import RELOAD_SECONDS, TokenFile, Unauthorized, new_token, parse_tokens
from sopfsm.service.config import ServiceConfig
from sopfsm.store import open_store
from tests.support.backends import PATIENCE, ServerThread

HASHED = new_token("ana", "cso")[1].line()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("tok-a ana\nlonely\n", "line 2: expected"),
        (f"{HASHED}\n{HASHED}\n", "line 2: agent 'ana' already has a token on line 1"),
        (HASHED.replace(" cso", " boss") + "\n", "line 1: unknown role 'boss'; roles: cso"),
        (HASHED.replace(" cso", "") + "\n", "line 1: a hashed token needs a ROLE"),
        ("tok-a ana\ntok-b ana\n", "line 2: agent 'ana' already has a token on line 1"),
        ("tok-a ana\ntok-a budi\n", "line 2: the token of line 1 again"),
        ("hmac-sha256:zz:zz ana cso\n", "line 1: expected"),
        ("tok-a ana qa\n", "line 1: expected"),
    ],
)
def test_a_bad_tokens_file_line_is_refused_naming_it(text: str, says: str) -> None:
    with pytest.raises(ServiceConfigError, match=says):
        parse_tokens(text, "token file t")


def test_a_bad_tokens_file_stops_the_server_before_it_listens_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tokens = tmp_path / "tokens"
    for text in ("tok-a ana cso\n", "tok-a ana\ntok-b ana\n", b"\xff\xfe ana\n"):
        if isinstance(text, bytes):
            tokens.write_bytes(text)
        else:
            tokens.write_text(text, encoding="utf-8")
        assert main(["serve", "--tokens", str(tokens), "--store", "memory:"]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and "Traceback" not in err


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_change_to_the_file_is_seen_after_the_interval_and_not_before(tmp_path: Path) -> None:
    path = tmp_path / "tokens"
    ana, entry = new_token("ana", "cso")
    path.write_text(entry.line() + "\n", encoding="utf-8")
    clock = Clock()
    tokens = TokenFile(path, every=2.0, clock=clock)
    assert tokens.identify(f"Bearer {ana}").agent == "ana"
    budi, other = new_token("budi", "qa")
    path.write_text(other.line() + "\n", encoding="utf-8")  # ana revoked, budi added
    clock.now = 1.0
    assert tokens.identify(f"Bearer {ana}").agent == "ana"  # not looked at yet
    clock.now = 2.5
    with pytest.raises(Unauthorized):
        tokens.identify(f"Bearer {ana}")
    assert tokens.identify(f"Bearer {budi}").role == "qa"


def test_a_file_broken_while_running_accepts_no_token_until_mended(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens"
    ana, entry = new_token("ana", "cso")
    path.write_text(entry.line() + "\n", encoding="utf-8")
    clock = Clock()
    tokens = TokenFile(path, every=2.0, clock=clock)
    path.write_text(entry.line() + "\nbroken\n", encoding="utf-8")
    clock.now = 3.0
    with pytest.raises(Unauthorized):
        tokens.identify(f"Bearer {ana}")
    assert "every token refused" in caplog.text and "line 2" in caplog.text
    path.write_text(entry.line() + "\n", encoding="utf-8")
    clock.now = 6.0
    assert tokens.identify(f"Bearer {ana}").agent == "ana"


def test_a_revoked_token_stops_working_on_a_running_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tokens"
    assert main(["tokens", "add", "ana", "--role", "cso", "--file", str(path)]) == 0
    assert main(["tokens", "add", "sari", "--role", "supervisor", "--file", str(path)]) == 0
    ana, sari = capsys.readouterr().out.split()
    store = open_store("memory:")
    app = create_app(ServiceConfig(tokens_file=path), store)
    with ServerThread(app) as url, httpx.Client(base_url=url, timeout=PATIENCE) as client:
        me = client.get("/v1/me", headers={"Authorization": f"Bearer {ana}"})
        assert me.json() == {"agent": "ana", "role": "cso"}
        assert main(["tokens", "revoke", "ana", "--file", str(path)]) == 0
        time.sleep(RELOAD_SECONDS + 0.5)
        refused = client.get("/v1/me", headers={"Authorization": f"Bearer {ana}"})
        assert refused.status_code == 401
        assert refused.headers["content-type"] == "application/problem+json"
        kept = client.get("/v1/me", headers={"Authorization": f"Bearer {sari}"})
        assert kept.json() == {"agent": "sari", "role": "supervisor"}
