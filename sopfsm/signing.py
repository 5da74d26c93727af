"""Signed saved calls: an HMAC-SHA256 over a canonical form, so any change is detected.

A save is signed by adding ``"signature": {"key": ID, "hmac_sha256": HEX}`` to it. The
HMAC covers the save without its signature, serialised canonically (keys sorted, no
spaces, ASCII only), so re-indenting the JSON keeps it valid and changing any value,
including a number's type (``1`` for ``1.0``), does not. The key id lets call software
rotate secrets: restore with every key still accepted, sign with the newest.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Mapping
from typing import Any

import attrs

from sopfsm.errors import SignatureError, shown

SIGNATURE = "signature"
ALGORITHM = "hmac_sha256"
MIN_SECRET_BYTES = 16  # an HMAC key shorter than 128 bits is a mistake, not a choice
KEY_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,63}")


def _check_id(_key: SigningKey, _attribute: attrs.Attribute[str], value: object) -> None:
    if not isinstance(value, str) or not KEY_ID.fullmatch(value):
        raise SignatureError(
            f"a key id is 1-64 letters, digits, '.', '_', ':' or '-', not {shown(value)}"
        )


def _check_secret(_key: SigningKey, _attribute: attrs.Attribute[bytes], value: object) -> None:
    if not isinstance(value, bytes) or len(value) < MIN_SECRET_BYTES:
        raise SignatureError(f"a key's secret is bytes, at least {MIN_SECRET_BYTES} of them")


@attrs.frozen
class SigningKey:
    """A secret that signs saved calls, and the id a save names it by.

    >>> key = SigningKey("2026-11", b"a secret of sixteen bytes or more")
    >>> key
    SigningKey(id='2026-11')
    """

    id: str = attrs.field(validator=_check_id)
    secret: bytes = attrs.field(validator=_check_secret, repr=False)


Keys = SigningKey | Iterable[SigningKey]
"""What :func:`sopfsm.restore` takes as ``key``: one key, or several (key rotation)."""


def keys_by_id(key: object) -> dict[str, SigningKey]:
    """``key`` (one :class:`SigningKey` or several) by id; :class:`SignatureError` if it
    is anything else or two keys share an id."""
    keys = [key] if isinstance(key, SigningKey) else _iterate(key)
    by_id: dict[str, SigningKey] = {}
    for each in keys:
        if not isinstance(each, SigningKey):
            raise SignatureError(f"a key must be a SigningKey, not {type(each).__name__}")
        if each.id in by_id and by_id[each.id] != each:
            raise SignatureError(f"two different keys have the id {each.id!r}", each.id)
        by_id[each.id] = each
    if not by_id:
        raise SignatureError("no key given")
    return by_id


def _iterate(key: object) -> list[object]:
    if isinstance(key, str | bytes | Mapping) or not isinstance(key, Iterable):
        raise SignatureError(f"key must be a SigningKey or several, not {type(key).__name__}")
    return list(key)


def canonical(data: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: ``data`` without its signature, canonical JSON."""
    unsigned = {k: v for k, v in data.items() if k != SIGNATURE}
    try:
        text = json.dumps(
            unsigned, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
        )
    except (TypeError, ValueError, RecursionError) as error:  # a dict, not JSON's
        raise SignatureError(f"the save is not plain JSON data ({error})") from None
    return text.encode("ascii")


def sign(data: Mapping[str, Any], key: SigningKey) -> dict[str, Any]:
    """``data`` with its signature by ``key``."""
    digest = hmac.new(key.secret, canonical(data), hashlib.sha256).hexdigest()
    return {**data, SIGNATURE: {"key": key.id, ALGORITHM: digest}}


def verify(data: Mapping[str, Any], keys: Mapping[str, SigningKey]) -> str:
    """The id of the key whose signature ``data`` carries; :class:`SignatureError` naming
    the fault if it carries none, names another key, or any byte of it changed."""
    signature = data.get(SIGNATURE)
    if signature is None:
        raise SignatureError(
            f"the save is not signed, and a signature by {_names(keys)} is required"
        )
    key_id = signature_key(data)
    key = keys.get(key_id)
    if key is None:
        raise SignatureError(
            f"signed with key {key_id!r}, which is not among the given keys ({_names(keys)})",
            key_id,
        )
    claimed = signature[ALGORITHM]
    expected = hmac.new(key.secret, canonical(data), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(claimed.encode("ascii", "replace"), expected.encode("ascii")):
        raise SignatureError(
            f"the signature by key {key_id!r} does not match: the save was changed "
            "after it was signed, or signed with another secret",
            key_id,
        )
    return key_id


def signature_key(data: Mapping[str, Any]) -> str:
    """The key id a signed save names, once its signature field is well-formed."""
    signature = data[SIGNATURE]
    if (
        not isinstance(signature, dict)
        or set(signature) != {"key", ALGORITHM}
        or not isinstance(signature["key"], str)
        or not isinstance(signature[ALGORITHM], str)
    ):
        raise SignatureError(
            f'must be {{"key": KEY_ID, "{ALGORITHM}": HEX}}, not {shown(signature)}'
        )
    key_id: str = signature["key"]
    if not KEY_ID.fullmatch(key_id):
        raise SignatureError(f"names no valid key id: {shown(key_id)}")
    return key_id


def _names(keys: Mapping[str, SigningKey]) -> str:
    return ", ".join(map(repr, sorted(keys)))
