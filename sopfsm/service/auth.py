"""Bearer tokens: who is answering.

A token file has one ``TOKEN AGENT_ID`` a line (``#`` starts a comment). A request's
token is compared with every known token in constant time, so timing tells nothing of
how much of a guess was right; tokens are never logged or echoed. In dev mode (loopback
only) any token is accepted and names its own agent.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import attrs

from sopfsm.errors import ServiceConfigError
from sopfsm.signing import MIN_SECRET_BYTES, SigningKey

AGENT = re.compile(r"^[A-Za-z0-9._@:-]{1,64}$")


class Unauthorized(Exception):
    """No token, an empty one, or one that is not known. The message names no token."""


@attrs.frozen
class Tokens:
    """The known tokens and their agents; ``dev`` accepts any token as its own agent."""

    pairs: tuple[tuple[bytes, str], ...] = ()
    dev: bool = False

    def agent(self, authorization: str | None) -> str:
        """The agent id for an ``Authorization`` header, or :class:`Unauthorized`."""
        if not authorization:
            raise Unauthorized("no Authorization header; send Authorization: Bearer TOKEN")
        scheme, _, token = authorization.strip().partition(" ")
        token = token.strip()
        if scheme.lower() != "bearer" or not token:
            raise Unauthorized("the Authorization header must be Bearer TOKEN, with a token")
        if self.dev:
            return token[:64] if AGENT.match(token[:64]) else "dev"
        given = token.encode()
        found = None
        for known, agent in self.pairs:  # every token compared: no early exit
            if hmac.compare_digest(known, given) and found is None:
                found = agent
        if found is None:
            raise Unauthorized("the token is not known")
        return found


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
    """The tokens of the file at ``path``; :class:`ServiceConfigError` names a bad line."""
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
    pairs: list[tuple[bytes, str]] = []
    first_line: dict[bytes, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        fields = raw.split("#", 1)[0].split()
        if not fields:
            continue
        if len(fields) != 2 or not AGENT.match(fields[1]):
            raise ServiceConfigError(
                f"token file {path}",
                f"line {number}: expected `TOKEN AGENT_ID` (agent: letters, digits, ._@:-)",
            )
        token = fields[0].encode()
        if token in first_line:  # one token, two agents (or one twice): whose answer is it?
            raise ServiceConfigError(
                f"token file {path}",
                f"line {number}: the token of line {first_line[token]} again; "
                "each agent needs a token of its own",
            )
        first_line[token] = number
        pairs.append((token, fields[1]))
    if not pairs:
        raise ServiceConfigError(f"token file {path}", "no tokens in the token file")
    return Tokens(tuple(pairs))
