"""Named schema migrations: ``migrations/<dialect>/NNNN_name.sql``, applied in order.

Each store records the migrations it has applied in ``sopfsm_migrations`` (version,
name, when), in the same transaction as the migration itself. A store that records a
migration this code does not ship was written by a newer sopfsm: it is refused by name
(:class:`~sopfsm.errors.UnknownSchemaVersion`) rather than misread. Listing what is
applied or pending writes nothing.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterable
from importlib import resources
from typing import Literal

import attrs

from sopfsm.errors import UnknownSchemaVersion

Dialect = Literal["sqlite", "postgres"]
TABLE = "sopfsm_migrations"
_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")


@attrs.frozen
class Migration:
    version: int
    name: str
    sql: str

    @property
    def label(self) -> str:
        """``0001_calls``: the name a refusal or a listing shows."""
        return f"{self.version:04d}_{self.name}"


def migrations(dialect: Dialect) -> tuple[Migration, ...]:
    """The migrations this sopfsm ships for ``dialect``, in version order."""
    folder = resources.files("sopfsm.store") / "migrations" / dialect
    found = []
    for entry in folder.iterdir():
        match = _NAME.match(entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):  # pragma: no cover
        raise AssertionError(f"{dialect} migrations are not numbered 1..n: {found}")
    return tuple(found)


def pending(dialect: Dialect, applied: Iterable[tuple[int, str]], where: str) -> list[Migration]:
    """The shipped migrations not yet ``applied`` ((version, name) rows), in order.

    Raises :class:`UnknownSchemaVersion` naming every applied migration that this code
    does not ship, or ships under another name.
    """
    shipped = migrations(dialect)
    known = {(m.version, m.name) for m in shipped}
    done = set(applied)
    unknown = sorted(done - known)
    if unknown:
        raise UnknownSchemaVersion(
            where, [f"{v:04d}_{n}" for v, n in unknown], [m.label for m in shipped]
        )
    return [m for m in shipped if (m.version, m.name) not in done]


def statements(sql: str) -> list[str]:
    """The statements of a SQLite migration, which :mod:`sqlite3` runs one at a time
    (``executescript`` would commit the migration's transaction half-way)."""
    found, current = [], ""
    for line in sql.splitlines(keepends=True):
        if not current and (not line.strip() or line.lstrip().startswith("--")):
            continue
        current += line
        if sqlite3.complete_statement(current):
            found.append(current.strip())
            current = ""
    if current.strip():
        found.append(current.strip())
    return found
