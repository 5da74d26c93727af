"""``sopfsm tokens``: a token shown once, only its hash kept, agents and roles listed."""

from __future__ import annotations

from pathlib import Path

import pytest

from sopfsm.cli import main
from sopfsm.service.auth import Unauthorized, load_tokens, read_tokens


def add(path: Path, agent: str, role: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert main(["tokens", "add", agent, "--role", role, "--file", str(path)]) == 0
    return capsys.readouterr().out.strip()


def test_an_added_token_is_printed_once_and_only_its_hash_is_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tokens"
    token = add(path, "ana", "cso", capsys)
    assert len(token) >= 43  # 256 random bits, URL-safe
    assert token not in path.read_text(encoding="utf-8")
    assert path.stat().st_mode & 0o077 == 0  # the owner's alone
    identity = load_tokens(path).identify(f"Bearer {token}")
    assert (identity.agent, identity.role) == ("ana", "cso")
    with pytest.raises(Unauthorized):
        load_tokens(path).identify(f"Bearer {token[:-1]}x")


def test_the_listing_names_agents_and_roles_never_a_hash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tokens"
    add(path, "ana", "cso", capsys)
    add(path, "sari", "supervisor", capsys)
    assert main(["tokens", "list", "--file", str(path)]) == 0
    out = capsys.readouterr().out
    assert out.splitlines() == ["ana\tcso", "sari\tsupervisor"]
    for entry in read_tokens(path):
        assert entry.digest.hex() not in out and entry.salt is not None
        assert entry.salt.hex() not in out


def test_a_revoked_token_is_gone_and_the_others_stay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tokens"
    ana = add(path, "ana", "cso", capsys)
    budi = add(path, "budi", "qa", capsys)
    assert main(["tokens", "revoke", "ana", "--file", str(path)]) == 0
    tokens = load_tokens(path)
    with pytest.raises(Unauthorized):
        tokens.identify(f"Bearer {ana}")
    assert tokens.identify(f"Bearer {budi}").role == "qa"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["add", "ana", "--role", "boss"], "unknown role 'boss'; roles: cso, supervisor, qa"),
        (["add", "ana", "--role", "qa"], "agent 'ana' already has a token; revoke it first"),
        (["add", "an a", "--role", "qa"], "letters, digits"),
        (["revoke", "zed"], "no token for agent 'zed'; agents: ana"),
    ],
)
def test_a_refused_change_is_one_line_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], argv: list[str], says: str
) -> None:
    path = tmp_path / "tokens"
    add(path, "ana", "cso", capsys)
    before = path.read_bytes()
    assert main(["tokens", *argv, "--file", str(path)]) == 2
    err = capsys.readouterr().err
    assert says in err and err.count("\n") == 1
    assert path.read_bytes() == before


def test_a_plain_tokens_file_is_read_as_cso_with_a_warning_and_rehashed_keeps_working(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "tokens"
    path.write_text("tok-ana-0123456789 ana\n", encoding="utf-8")
    tokens = load_tokens(path)
    assert "plain text" in caplog.text and "sopfsm tokens rehash" in caplog.text
    assert "tok-ana-0123456789" not in caplog.text
    assert tokens.identify("Bearer tok-ana-0123456789").role == "cso"
    assert main(["tokens", "list", "--file", str(path)]) == 0
    assert "rehash" in capsys.readouterr().out
    assert main(["tokens", "rehash", "--file", str(path)]) == 0
    assert "tok-ana-0123456789" not in path.read_text(encoding="utf-8")
    assert load_tokens(path).identify("Bearer tok-ana-0123456789").agent == "ana"


def test_without_a_file_the_command_says_how_to_name_one(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SOPFSM_TOKENS_FILE", raising=False)
    assert main(["tokens", "list"]) == 2
    assert "--file" in capsys.readouterr().err
