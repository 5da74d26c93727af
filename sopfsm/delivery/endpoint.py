"""The APKT endpoint an operator configures: the only address reports are sent to."""

from __future__ import annotations

from urllib.parse import urlsplit

from sopfsm.errors import DeliveryConfigError


def check_endpoint(url: str, setting: str = "--to") -> str:
    """``url`` if it is an http(s) URL with a host; :class:`DeliveryConfigError` otherwise.

    A user name or password in the URL is refused too: they would be sent with every
    report and shown wherever the URL is, and the signature already proves the sender.
    """
    try:
        parts = urlsplit(url)
        port = parts.port  # a malformed port raises here
    except ValueError as error:
        why = f"not a URL ({error}); give http(s)://HOST/PATH"
        raise DeliveryConfigError(setting, why) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise DeliveryConfigError(
            setting,
            f"{_shown(url)} is not an http:// or https:// URL with a host; give "
            "http(s)://HOST[:PORT]/PATH, the APKT adapter's endpoint",
        )
    if parts.username is not None or parts.password is not None:
        raise DeliveryConfigError(
            setting, "a user or password in the URL is refused: reports are signed instead"
        )
    del port
    return url


def shown(url: str) -> str:
    """``url`` as logs and messages show it: scheme, host, port and path, no query."""
    try:
        parts = urlsplit(url)
    except ValueError:  # a receiver's Location header can be anything
        return "(an address that is no URL)"
    return f"{parts.scheme}://{parts.netloc}{parts.path}"[:200]


def _shown(url: str) -> str:
    text = url if len(url) <= 80 else url[:77] + "..."
    return repr(text)
