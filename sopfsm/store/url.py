"""A store URL as a person may see it: every secret in it replaced by ``***``.

A PostgreSQL URL can carry a secret in several places: the password of ``user:pw@``, a
``password``, ``passfile``, ``sslpassword`` or ``sslkey`` parameter (its name in any case
or percent-encoding, as libpq decodes it), and the same keys in libpq's ``key=value``
form. :func:`redacted` is the one way a store URL reaches a start-up line, a response, a
log line or an error message; :func:`scrubbed` takes the URL's secrets out of a driver's
message, which may quote a piece of the URL it could not parse.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

SECRET_KEYS = frozenset({"password", "passfile", "sslpassword", "sslkey"})
HIDDEN = "***"
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):(//)?(.*)$", re.DOTALL)
_KEY_VALUE = re.compile(
    r"(?i)\b(" + "|".join(sorted(SECRET_KEYS)) + r")(\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)"
)


def redacted(url: str) -> str:
    """``url`` with every secret replaced by ``***``; the rest (scheme, user, host, port,
    database, other parameters) as given, so the store is still recognisable."""
    match = _SCHEME.match(url)
    if match is None or match[2] is None:  # libpq's key=value form, or no URL at all
        return _KEY_VALUE.sub(lambda m: f"{m[1]}{m[2]}{HIDDEN}", url)
    scheme, rest = match[1], match[3]
    rest = rest.split("#", 1)[0]
    rest, question, query = rest.partition("?")
    authority, slash, path = rest.partition("/")
    userinfo, at, hostport = authority.rpartition("@")
    if at and ":" in userinfo:
        userinfo = f"{userinfo.split(':', 1)[0]}:{HIDDEN}"
    authority = f"{userinfo}{at}{hostport}"
    if question:
        query = "&".join(_parameter(piece) for piece in query.split("&"))
    return f"{scheme}://{authority}{slash}{_KEY_VALUE.sub(_hide, path)}{question}{query}"


def _parameter(piece: str) -> str:
    key, equals, _value = piece.partition("=")
    if equals and unquote(key).strip().lower() in SECRET_KEYS:
        return f"{key}={HIDDEN}"
    return _KEY_VALUE.sub(_hide, piece)


def _hide(match: re.Match[str]) -> str:
    return f"{match[1]}{match[2]}{HIDDEN}"


def secrets_of(url: str) -> list[str]:
    """Every secret in ``url``, as written and as decoded, longest first."""
    found: set[str] = set()
    match = _SCHEME.match(url)
    if match is None or match[2] is None:
        found = {m[3].strip("'") for m in _KEY_VALUE.finditer(url)}
        return sorted((s for s in found if s), key=len, reverse=True)
    rest = match[3]
    authority = rest.split("/", 1)[0].split("?", 1)[0]
    userinfo, at, _ = authority.rpartition("@")
    if at and ":" in userinfo:
        password = userinfo.split(":", 1)[1]
        found |= {password, password.split("@", 1)[0]}  # libpq ends it at the first @
    for piece in rest.partition("?")[2].split("#", 1)[0].split("&"):
        key, equals, value = piece.partition("=")
        if equals and unquote(key).strip().lower() in SECRET_KEYS:
            found.add(value)
    found |= {unquote(secret) for secret in found}
    return sorted((s for s in found if s), key=len, reverse=True)


def scrubbed(text: str, url: str) -> str:
    """``text`` (a driver's message about ``url``) with each of the URL's secrets hidden."""
    for secret in secrets_of(url):
        text = text.replace(secret, HIDDEN)
    return text
