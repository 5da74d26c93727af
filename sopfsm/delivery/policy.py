"""What an attempt's result means for a delivery: delivered, retried later, or dead.

2xx: delivered (whatever the body says: the receiver took it). 408, 429, 5xx, a refused
or dropped connection, a timeout: retried after an exponential backoff with full jitter
(a ``Retry-After`` on 429 or 503 is honoured, up to the backoff's cap), until the
attempts run out, then dead. A redirect is never followed (reports go to the configured
endpoint and nowhere else) and, like any other 4xx, is dead at once, with the receiver's
answer kept.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import random
import re

import attrs

RETRIED_STATUSES = frozenset({408, 429})


@attrs.frozen
class RetryPolicy:
    """How long to wait before attempt ``n + 1``: ``base * factor ** (n - 1)`` seconds,
    capped at ``cap``, each wait drawn uniformly below that (full jitter, so deliverers
    that failed together do not retry together); ``attempts``: how many before dead."""

    base: float = 1.0
    factor: float = 2.0
    cap: float = 3600.0
    attempts: int = 12

    def delay(self, attempts: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait after ``attempts`` failed attempts; ``retry_after`` (seconds,
        from the receiver) is waited when given, but never beyond the cap."""
        if retry_after is not None:
            return min(max(retry_after, 0.0), self.cap)
        ceiling = min(self.cap, self.base * self.factor ** max(attempts - 1, 0))
        return rng.uniform(0.0, ceiling)

    def exhausted(self, attempts: int) -> bool:
        return attempts >= self.attempts


def retried(status: int) -> bool:
    """Whether a response with ``status`` is tried again (otherwise: delivered or dead)."""
    return status in RETRIED_STATUSES or status >= 500


def retry_after(value: str | None, now: dt.datetime) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (delta-seconds or an HTTP date), or
    None if it is missing or malformed (the backoff then decides)."""
    if value is None:
        return None
    value = value.strip()
    if re.fullmatch(r"[0-9]{1,12}", value):  # str.isdigit takes "²", which float refuses
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return max((when - now).total_seconds(), 0.0)
