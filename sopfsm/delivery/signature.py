"""The signature on every delivery, as webhook senders sign theirs.

Each request carries::

    Sopfsm-Signature: t=1764806400,v1=5f1c...e9
    Sopfsm-Signature-Key: apkt-2026-12

``v1`` is the hex HMAC-SHA256, under the named key's secret, of the bytes
``"{t}." + body`` (``t``: Unix seconds when it was sent). A receiver looks the key up by
its name, recomputes the HMAC over the raw body it received, compares in constant time,
and refuses a ``t`` more than five minutes from its own clock (a replay). Keys rotate
by name: the first key of the keys file signs, so an operator adds the new key first,
the receiver accepts both names for a while, then the old one is dropped. Every attempt
is signed when it is sent, so a retry after a rotation carries the new key.

The keys file holds one key a line, ``NAME SECRET`` (secret at least 16 bytes), ``#``
comments allowed; it is read once at start and never logged.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from sopfsm.errors import BadSignature, DeliveryConfigError, SignatureError
from sopfsm.signing import KEY_ID, MIN_SECRET_BYTES, SigningKey

SIGNATURE_HEADER = "Sopfsm-Signature"
KEY_HEADER = "Sopfsm-Signature-Key"
TOLERANCE = 300  # seconds a receiver accepts between the signature's time and its clock


def sign(body: bytes, key: SigningKey, at: float | None = None) -> dict[str, str]:
    """The signature headers of ``body`` sent at ``at`` (Unix seconds; now by default)."""
    stamp = int(time.time() if at is None else at)
    digest = hmac.new(key.secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    return {SIGNATURE_HEADER: f"t={stamp},v1={digest}", KEY_HEADER: key.id}


def verify(
    body: bytes,
    headers: Mapping[str, str],
    keys: Mapping[str, bytes],
    *,
    now: float | None = None,
    tolerance: int = TOLERANCE,
) -> str:
    """The name of the key that signed ``body``; :class:`~sopfsm.errors.BadSignature` saying why not
    (no or malformed header, an unknown key, a time too far from ``now``, a mismatch).

    ``headers`` is looked up case-insensitively; ``keys`` maps key names to secrets.
    This is what a receiver written in Python does; the documentation has the recipe
    without sopfsm.
    """
    lower = {name.lower(): value for name, value in headers.items()}
    header = lower.get(SIGNATURE_HEADER.lower())
    name = lower.get(KEY_HEADER.lower())
    if header is None or name is None:
        raise BadSignature(f"no {SIGNATURE_HEADER} or {KEY_HEADER} header")
    parts = dict(part.partition("=")[::2] for part in header.split(","))
    stamp, digest = parts.get("t", ""), parts.get("v1", "")
    if not stamp.isdigit() or not digest:
        raise BadSignature(f"{SIGNATURE_HEADER} is not t=SECONDS,v1=HEX: {header[:100]!r}")
    secret = keys.get(name)
    if secret is None:
        raise BadSignature(f"signed with key {name!r}, which is not known", name)
    if abs((time.time() if now is None else now) - int(stamp)) > tolerance:
        raise BadSignature(f"signed at {stamp}, more than {tolerance} s from now", name)
    expected = hmac.new(secret, f"{stamp}.".encode() + body, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, digest):
        raise BadSignature(f"the signature by key {name!r} does not match the body", name)
    return name


def read_keys(path: Path) -> tuple[SigningKey, ...]:
    """The keys of the keys file at ``path``, the signing one first;
    :class:`DeliveryConfigError` naming the line that is wrong (never its secret)."""
    setting = f"delivery keys {path}"
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise DeliveryConfigError(setting, f"cannot be read: {error}") from None
    keys: list[SigningKey] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        name, secret = parts[0], parts[1] if len(parts) == 2 else ""
        try:
            key = SigningKey(name, secret.encode())
        except SignatureError:
            # Never the line itself: a line with no separator is all secret.
            why = (
                f"its secret is shorter than {MIN_SECRET_BYTES} bytes"
                if KEY_ID.fullmatch(name)
                else "it does not start with a key name (1-64 letters, digits, '.', '_', ':' "
                "or '-') and a space or tab"
            )
            raise DeliveryConfigError(
                setting, f"line {number}: {why}; each line is NAME SECRET"
            ) from None
        if any(k.id == key.id for k in keys):
            raise DeliveryConfigError(setting, f"line {number}: key {name!r} given twice")
        keys.append(key)
    if not keys:
        raise DeliveryConfigError(setting, "holds no key; each line is NAME SECRET")
    return tuple(keys)


def dev_key(folder: Path | None = None) -> tuple[SigningKey, Path]:
    """A key made for one ``serve --dev`` session, written (owner-only) to a keys file so
    that a newcomer's receiver can check signatures at once; its path, never its secret,
    is what the service tells."""
    key = SigningKey(f"dev-{secrets.token_hex(4)}", secrets.token_urlsafe(32).encode())
    where = Path(tempfile.mkdtemp(prefix="sopfsm-dev-")) if folder is None else folder
    path = where / "delivery.keys"
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as out:
        out.write(f"# made by sopfsm serve --dev for this session only\n{key.id} ")
        out.write(key.secret.decode() + "\n")
    return key, path


def signing_key(keys: Sequence[SigningKey]) -> SigningKey:
    """The key that signs: the first of the file."""
    return keys[0]
