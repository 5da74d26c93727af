"""``sopfsm tokens``: the operator's tokens file (add, list, revoke, rehash).

A new token is printed once, on stdout, and only its salted hash is written. The file is
rewritten whole (a new file beside it, then renamed over it), so a server reading it never
sees half a change, and is readable by its owner only.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

from sopfsm.cli._common import print_json
from sopfsm.cli.exit import ExitCode

TOKENS_ENV = "SOPFSM_TOKENS_FILE"


def add_commands(commands: Any) -> None:
    tokens = commands.add_parser("tokens", help="the service's tokens file: add, list, revoke")
    actions = tokens.add_subparsers(required=True, metavar="ACTION")

    add = actions.add_parser("add", help="make a token for an agent; print it once")
    add.add_argument("agent", metavar="AGENT", help="agent id (letters, digits, ._@:-)")
    add.add_argument("--role", required=True, help="cso, supervisor, qa or admin")
    _file_option(add)
    add.set_defaults(handler=_add)

    listing = actions.add_parser("list", help="the agents and their roles (never a token)")
    _file_option(listing)
    listing.add_argument("--json", action="store_true", help="as JSON")
    listing.set_defaults(handler=_list)

    revoke = actions.add_parser("revoke", help="remove an agent's token")
    revoke.add_argument("agent", metavar="AGENT")
    _file_option(revoke)
    revoke.set_defaults(handler=_revoke)

    rehash = actions.add_parser(
        "rehash", help="replace plain tokens (role cso) by their hashes; they keep working"
    )
    _file_option(rehash)
    rehash.set_defaults(handler=_rehash)


def _file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--file",
        type=Path,
        default=None,
        metavar="F",
        help=f"the tokens file (default: ${TOKENS_ENV})",
    )


def _path(args: argparse.Namespace) -> Path:
    from sopfsm.errors import ServiceConfigError

    path: Path | None = args.file or (
        Path(os.environ[TOKENS_ENV]) if os.environ.get(TOKENS_ENV) else None
    )
    if path is None:
        raise ServiceConfigError("--file", f"no tokens file: give --file F (or ${TOKENS_ENV})")
    return path


def _entries(path: Path, *, missing_ok: bool = False) -> tuple[Any, ...]:
    from sopfsm.service.auth import read_tokens

    if missing_ok and not path.exists():
        return ()
    return read_tokens(path)


def _add(args: argparse.Namespace) -> int:
    from sopfsm.errors import ServiceConfigError
    from sopfsm.service.auth import AGENT, ROLES, new_token

    if args.role not in ROLES:
        raise ServiceConfigError("--role", f"unknown role {args.role!r}; roles: {', '.join(ROLES)}")
    if not AGENT.match(args.agent):
        raise ServiceConfigError(
            "AGENT", f"agent id {args.agent!r}: letters, digits and ._@:- only, up to 64"
        )
    path = _path(args)
    entries = _entries(path, missing_ok=True)
    if any(e.agent == args.agent for e in entries):
        raise ServiceConfigError(
            f"token file {path}",
            f"agent {args.agent!r} already has a token; revoke it first "
            f"(sopfsm tokens revoke {args.agent})",
        )
    token, entry = new_token(args.agent, args.role)
    _write(path, (*entries, entry))
    print(token)
    sys.stderr.write(
        f"sopfsm: token for {args.agent} ({args.role}) added to {path}; it is shown only now\n"
    )
    return ExitCode.OK


def _list(args: argparse.Namespace) -> int:
    entries = _entries(_path(args))
    rows = [{"agent": e.agent, "role": e.role, "hashed": e.salt is not None} for e in entries]
    if args.json:
        print_json({"tokens": rows})
        return ExitCode.OK
    for row in rows:
        note = "" if row["hashed"] else "  (plain: run sopfsm tokens rehash)"
        print(f"{row['agent']}\t{row['role']}{note}")
    return ExitCode.OK


def _revoke(args: argparse.Namespace) -> int:
    from sopfsm.errors import ServiceConfigError

    path = _path(args)
    entries = _entries(path)
    kept = tuple(e for e in entries if e.agent != args.agent)
    if len(kept) == len(entries):
        known = ", ".join(e.agent for e in entries) or "none"
        raise ServiceConfigError(
            f"token file {path}", f"no token for agent {args.agent!r}; agents: {known}"
        )
    _write(path, kept)
    sys.stderr.write(f"sopfsm: token of {args.agent} revoked in {path}\n")
    return ExitCode.OK


def _rehash(args: argparse.Namespace) -> int:
    import secrets

    import attrs

    from sopfsm.service.auth import digest_of

    path = _path(args)
    entries = _entries(path)
    done = []
    for entry in entries:
        salt = secrets.token_bytes(16)
        plain = entry.salt is None
        done.append(
            attrs.evolve(entry, salt=salt, digest=digest_of(salt, entry.digest)) if plain else entry
        )
    _write(path, tuple(done))
    sys.stderr.write(f"sopfsm: {path}: every token kept as a hash\n")
    return ExitCode.OK


def _write(path: Path, entries: tuple[Any, ...]) -> None:
    text = "# sopfsm tokens: hmac-sha256:SALT:DIGEST AGENT ROLE (sopfsm tokens --help)\n"
    text += "".join(f"{e.line()}\n" for e in entries)
    folder = path.parent if str(path.parent) else Path(".")
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", text=True)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
