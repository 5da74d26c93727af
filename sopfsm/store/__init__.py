"""Call stores: where the service keeps every call and every answer.

``open_store(url)`` opens one by URL: ``sqlite:///calls.db`` (relative) or
``sqlite:////var/lib/sopfsm/calls.db`` (absolute), ``postgresql://user@host/db`` (with
the ``serve`` extra; ``?schema=NAME`` keeps the tables in a schema of their own), or
``memory:`` (nothing kept). Each is a :class:`CallStore`; QA reads calls through
:meth:`CallStore.calls`, streaming.
"""

from __future__ import annotations

from pathlib import Path

from sopfsm.store.base import (
    CallFilter,
    CallState,
    CallStore,
    Logged,
    LoggedAnswer,
    LoggedEntry,
    StoredCall,
)

DEFAULT_SQLITE = "sopfsm-calls.db"
SCHEMES = ("sqlite:///PATH", "postgresql://...", "memory:")


def open_store(url: str, *, read_only: bool = False) -> CallStore:
    """The store at ``url``, created and migrated if new; refused if of an unknown schema.

    ``read_only`` (QA reading a store, perhaps an archived read-only file) writes
    nothing: no file is created, no migration applied; a store that lacks one is refused.

    Raises :class:`~sopfsm.errors.StoreError` (or its
    :class:`~sopfsm.errors.UnknownSchemaVersion`) naming the store.
    """
    from sopfsm.errors import StoreError

    if url in ("memory:", "memory://"):
        from sopfsm.store.memory import MemoryStore

        return MemoryStore()
    if url.startswith("sqlite:///"):
        from sopfsm.store.sqlite import SqliteStore

        return SqliteStore(Path(url.removeprefix("sqlite:///")), read_only=read_only)
    if url.startswith(("postgresql://", "postgres://")):
        from sopfsm.store.postgres import PostgresStore

        return PostgresStore(url)
    from sopfsm.store.url import redacted

    raise StoreError(redacted(url), f"unknown store URL; use one of {', '.join(SCHEMES)}")


__all__ = [
    "CallFilter",
    "CallState",
    "CallStore",
    "DEFAULT_SQLITE",
    "Logged",
    "LoggedAnswer",
    "LoggedEntry",
    "StoredCall",
    "open_store",
]
