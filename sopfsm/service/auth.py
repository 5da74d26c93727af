"""Bearer tokens: who is answering, and in which role.

A tokens file has one token a line (``#`` starts a comment), written by
``sopfsm tokens add``::

    hmac-sha256:SALT:DIGEST AGENT_ID ROLE

The file keeps only an HMAC-SHA256 of each token, keyed by a random salt of its own line:
a stolen file names the agents but lets no one sign in. The tokens ``sopfsm tokens add``
makes are 256 random bits, so no guessing, fast or slow, can find one from its digest; a
deliberately slow hash (bcrypt, scrypt) earns its cost only for secrets people choose, and
would cost every request its time. A plain ``TOKEN AGENT_ID`` line (the files of earlier
versions) is still read, as role ``cso``, with a warning to rehash it.

A request's token is compared with every known token (no early exit), each comparison in
constant time, so timing tells nothing of how much of a guess was right; tokens are never
logged or echoed. In dev mode (loopback only) any token is accepted and names its own
agent, with every role's rights.

A running server reads the file again when it changes (:class:`TokenFile`, checked at most
every :data:`RELOAD_SECONDS`), so a revoked token stops working on every server within that
time.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import re
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path

import attrs

from sopfsm.errors import ServiceConfigError
from sopfsm.signing import MIN_SECRET_BYTES, SigningKey

AGENT = re.compile(r"^[A-Za-z0-9._@:-]{1,64}$")
ROLES = ("cso", "supervisor", "qa", "admin")
"""The roles a token can have; see :mod:`sopfsm.service.roles` for what each may do."""
DEV_ROLE = "dev"
"""The role of every request in dev mode: one person on loopback, every right."""
PLAIN_ROLE = "cso"
"""The role of a plain ``TOKEN AGENT_ID`` line from an earlier tokens file."""
HASH_SCHEME = "hmac-sha256"
TOKEN_BYTES = 32
RELOAD_SECONDS = 2.0
"""How often, at most, a server looks at the tokens file's size and modification time."""

log = logging.getLogger("sopfsm.service")


class Unauthorized(Exception):
    """No token, an empty one, or one that is not known. The message names no token."""


@attrs.frozen
class Identity:
    """Who sent a request: the agent id its token names, and the token's role."""

    agent: str
    role: str


@attrs.frozen
class TokenEntry:
    """One line of a tokens file. ``salt`` is None for a plain token of an older file,
    whose ``digest`` is then the token itself."""

    agent: str
    role: str
    digest: bytes
    salt: bytes | None = None

    def matches(self, token: bytes) -> bool:
        if self.salt is None:
            return hmac.compare_digest(self.digest, token)
        return hmac.compare_digest(self.digest, digest_of(self.salt, token))

    def line(self) -> str:
        """The entry as a tokens-file line."""
        if self.salt is None:
            return f"{self.digest.decode()} {self.agent}"
        return f"{HASH_SCHEME}:{self.salt.hex()}:{self.digest.hex()} {self.agent} {self.role}"


def digest_of(salt: bytes, token: bytes) -> bytes:
    return hmac.new(salt, token, hashlib.sha256).digest()


def new_token(agent: str, role: str) -> tuple[str, TokenEntry]:
    """A fresh random token for ``agent`` in ``role``, and the entry that stores its hash."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    salt = secrets.token_bytes(16)
    return token, TokenEntry(agent, role, digest_of(salt, token.encode()), salt)


@attrs.frozen
class Tokens:
    """The known tokens with their agents and roles; ``dev`` accepts any token as its own
    agent."""

    entries: tuple[TokenEntry, ...] = ()
    dev: bool = False

    def identify(self, authorization: str | None) -> Identity:
        """Who an ``Authorization`` header names, or :class:`Unauthorized`."""
        if not authorization:
            raise Unauthorized("no Authorization header; send Authorization: Bearer TOKEN")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("the Authorization header must be Bearer TOKEN, with a token")
        return self.identify_token(token)

    def identify_token(self, token: str) -> Identity:
        """Who a bare token names (a session cookie carries one), or :class:`Unauthorized`."""
        if self.dev:
            return Identity(token[:64] if AGENT.match(token[:64]) else "dev", DEV_ROLE)
        given = token.encode()
        found = None
        for entry in self.entries:  # every token compared: no early exit
            if entry.matches(given) and found is None:
                found = entry
        if found is None:
            raise Unauthorized("the token is not known")
        return Identity(found.agent, found.role)

    def agent(self, authorization: str | None) -> str:
        """The agent id for an ``Authorization`` header, or :class:`Unauthorized`."""
        return self.identify(authorization).agent

    @property
    def plain(self) -> tuple[str, ...]:
        """The agents whose tokens the file keeps in plain text."""
        return tuple(e.agent for e in self.entries if e.salt is None)


class TokenFile:
    """The tokens of a file, read again when the file changes: its size, modification
    time or inode, looked at no more often than every ``every`` seconds.

    A file that no longer reads (a hand edit gone wrong) accepts no token until it is
    mended, and says so in the log: a revocation must never be undone by a typo.
    """

    def __init__(
        self,
        path: Path,
        every: float = RELOAD_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.path = path
        self._every = every
        self._clock = clock
        self._lock = threading.Lock()
        self._seen = self._signature()
        self._tokens = load_tokens(path)
        self._checked = clock()

    @property
    def dev(self) -> bool:
        return False

    def current(self) -> Tokens:
        now = self._clock()
        if now - self._checked < self._every:
            return self._tokens
        with self._lock:
            if now - self._checked >= self._every:
                self._checked = now
                seen = self._signature()
                if seen != self._seen:
                    self._seen = seen
                    try:
                        self._tokens = Tokens(read_tokens(self.path))
                    except ServiceConfigError as error:
                        log.error("tokens file not reloaded, every token refused: %s", error)
                        self._tokens = Tokens(())
        return self._tokens

    def identify(self, authorization: str | None) -> Identity:
        return self.current().identify(authorization)

    def identify_token(self, token: str) -> Identity:
        return self.current().identify_token(token)

    def agent(self, authorization: str | None) -> str:
        return self.current().agent(authorization)

    def _signature(self) -> tuple[int, int, int] | None:
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return (found.st_mtime_ns, found.st_size, found.st_ino)


def load_secret(path: Path) -> SigningKey:
    """The key that signs saved calls: the secret in the file at ``path`` (surrounding
    whitespace dropped, at least 16 bytes), named by a hash of itself so that a rotated
    secret gets a new key id without anyone choosing one."""
    try:
        secret = path.read_bytes().strip()
    except OSError as error:
        raise ServiceConfigError(f"secret file {path}", f"cannot read: {error.strerror}") from None
    if len(secret) < MIN_SECRET_BYTES:
        raise ServiceConfigError(
            f"secret file {path}", f"the secret must be at least {MIN_SECRET_BYTES} bytes"
        )
    return SigningKey(f"serve-{hashlib.sha256(secret).hexdigest()[:12]}", secret)


def load_tokens(path: Path) -> Tokens:
    """The tokens of the file at ``path`` for a server starting: at least one, and a
    warning in the log for every plain token. :class:`ServiceConfigError` names a bad line."""
    entries = read_tokens(path)
    if not entries:
        raise ServiceConfigError(f"token file {path}", "no tokens in the token file")
    tokens = Tokens(entries)
    if tokens.plain:
        log.warning(
            "tokens file %s keeps the tokens of %s in plain text (role cso): rehash them with "
            "`sopfsm tokens rehash --file %s`",
            path,
            ", ".join(tokens.plain),
            path,
        )
    return tokens


def read_tokens(path: Path) -> tuple[TokenEntry, ...]:
    """The entries of the tokens file at ``path`` (none for an empty file)."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ServiceConfigError(f"token file {path}", f"cannot read: {error.strerror}") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:  # the message would quote a byte of a token
        line = data.count(b"\n", 0, error.start) + 1
        raise ServiceConfigError(
            f"token file {path}", f"line {line}: not UTF-8 text; save the file as UTF-8"
        ) from None
    return parse_tokens(text, f"token file {path}")


def parse_tokens(text: str, where: str) -> tuple[TokenEntry, ...]:
    """The entries of a tokens file's text. Every line is checked here, and only here: a
    malformed line, an unknown role, an agent or a token given twice is a
    :class:`ServiceConfigError` naming the line."""
    entries: list[TokenEntry] = []
    agents: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = raw.split("#", 1)[0].split()
        if not fields:
            continue
        entry = _entry(fields, number, where)
        if entry.salt is None:  # one plain token on two lines: whose answer is it?
            same = next((e for e in entries if e.salt is None and e.digest == entry.digest), None)
            if same is not None:
                raise ServiceConfigError(
                    where,
                    f"line {number}: the token of line {agents[same.agent]} again; "
                    "each agent needs a token of its own",
                )
        if entry.agent in agents:
            raise ServiceConfigError(
                where,
                f"line {number}: agent {entry.agent!r} already has a token on line "
                f"{agents[entry.agent]}; one token per agent (revoke the old one first)",
            )
        agents[entry.agent] = number
        entries.append(entry)
    return tuple(entries)


_LINE = "expected `hmac-sha256:SALT:DIGEST AGENT_ID ROLE` or `TOKEN AGENT_ID`"
_HASHED = re.compile(rf"^{HASH_SCHEME}:([0-9a-f]{{32}}):([0-9a-f]{{64}})$")


def _entry(fields: list[str], number: int, where: str) -> TokenEntry:
    if len(fields) not in (2, 3) or not AGENT.match(fields[1]):
        raise ServiceConfigError(
            where, f"line {number}: {_LINE} (agent: letters, digits, ._@:-; up to 64)"
        )
    hashed = _HASHED.match(fields[0])
    if len(fields) == 2:
        if hashed or fields[0].startswith(f"{HASH_SCHEME}:"):
            raise ServiceConfigError(where, f"line {number}: a hashed token needs a ROLE")
        return TokenEntry(fields[1], PLAIN_ROLE, fields[0].encode())
    if not hashed:
        raise ServiceConfigError(where, f"line {number}: {_LINE}")
    if fields[2] not in ROLES:
        raise ServiceConfigError(
            where, f"line {number}: unknown role {fields[2]!r}; roles: {', '.join(ROLES)}"
        )
    return TokenEntry(fields[1], fields[2], bytes.fromhex(hashed[2]), bytes.fromhex(hashed[1]))
