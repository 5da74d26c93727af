"""SOP versions in time: when each version takes effect, and which one is in force.

A version is the date of the update it implements (``2020-04-10``). It takes effect at
the start of that date in WIT (UTC+9, the first of Indonesia's zones to reach a date,
so no call anywhere is earlier), unless the SOP says otherwise with ``effective``
(``2026-12-01T08:00 WITA``). The version in force at a moment is the latest whose
effective moment has come; a later version must take effect after the one before it.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
from collections.abc import Iterable, Mapping
from typing import Final

from sopfsm.errors import InvalidVersion
from sopfsm.model import SopSpec

WIB: Final = dt.timezone(dt.timedelta(hours=7), "WIB")
WITA: Final = dt.timezone(dt.timedelta(hours=8), "WITA")
WIT: Final = dt.timezone(dt.timedelta(hours=9), "WIT")
ZONES: Final[Mapping[str, dt.timezone]] = {"WIB": WIB, "WITA": WITA, "WIT": WIT}

_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ZONE_NAME = re.compile(r" ?(WIB|WITA|WIT)$")


def version_date(version: object) -> dt.date:
    """The date a version names; :class:`InvalidVersion` when it is not YYYY-MM-DD."""
    if not isinstance(version, str) or not _DATE.fullmatch(version):
        raise InvalidVersion(version)
    try:
        return dt.date.fromisoformat(version)
    except ValueError:  # 2026-02-30
        raise InvalidVersion(version) from None


def parse_moment(text: object, what: str = "effective moment") -> dt.datetime:
    """``YYYY-MM-DD``, optionally with ``THH:MM[:SS]`` and a zone (WIB, WITA, WIT or an
    offset; WIT when none), as an aware datetime."""
    if not isinstance(text, str) or not _DATE.match(text):
        raise InvalidVersion(text, what)
    zone: dt.tzinfo = WIT
    found = _ZONE_NAME.search(text)
    written = text
    if found:
        zone = ZONES[found.group(1)]
        written = text[: found.start()]
    try:
        moment = dt.datetime.fromisoformat(written)
    except ValueError:
        raise InvalidVersion(text, what) from None
    if moment.tzinfo is None:
        return moment.replace(tzinfo=zone)
    if found:  # a zone name and an offset both: which one is meant?
        raise InvalidVersion(text, what)
    return moment


def effective_moment(sop: SopSpec) -> dt.datetime:
    """When ``sop``'s version takes effect."""
    return _effective(sop.version, sop.effective)


@functools.lru_cache(maxsize=1024)  # judging a million calls asks it of few versions
def _effective(version: str, effective: str | None) -> dt.datetime:
    if effective is not None:
        return parse_moment(effective)
    return dt.datetime.combine(version_date(version), dt.time(0), tzinfo=WIT)


def described(sop: SopSpec) -> str:
    """``2020-04-10 (from 2020-04-10T00:00:00+09:00)``: a version as errors list it."""
    return f"{sop.version} (from {effective_moment(sop).isoformat()})"


def in_force(versions: Iterable[SopSpec], at: dt.datetime) -> SopSpec | None:
    """The latest of ``versions`` whose effective moment is not after ``at``."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=WIT)  # a moment without a zone is read as the SOP's own
    taken = [v for v in versions if effective_moment(v) <= at]
    return max(taken, key=effective_moment, default=None)


def out_of_order(versions: Iterable[SopSpec]) -> list[tuple[SopSpec, SopSpec]]:
    """Each (earlier, later) pair of consecutive versions, in version order, where the
    later version takes effect no later than the one it replaces."""
    ordered = sorted(versions, key=lambda v: version_date(v.version))
    return [
        (before, after)
        for before, after in itertools.pairwise(ordered)
        if effective_moment(after) <= effective_moment(before)
    ]
