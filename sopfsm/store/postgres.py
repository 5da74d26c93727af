"""The call store on a PostgreSQL server: for several service processes or machines.

The only module that imports psycopg (3). Every connection sets
``synchronous_commit = on``, so a commit is durable on the server before the service
answers. An answer is one transaction: ``UPDATE calls ... WHERE id = %s AND revision = %s``
takes the call's row lock and applies only if no other server moved the call on first
(the primary key on (call, revision) in the answer log is the second guard), so any
number of ``sopfsm serve`` processes on one database behave as one service.

``?schema=NAME`` in the URL keeps the tables in that schema (created if missing), which
the tests use to run against a shared server without touching anything else.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import queue
import re
import threading
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs

from sopfsm.errors import MissingDependency, StaleRevision, StoreError, UnknownCall
from sopfsm.store import migrate
from sopfsm.store._codec import (
    assemble,
    body_json,
    numbered,
    path_json,
    practice_result,
    scores_json,
    value_json,
)
from sopfsm.store._sql import SqlReads
from sopfsm.store.base import (
    CallState,
    Logged,
    PracticeResult,
    StoredCall,
)

try:
    import psycopg
    from psycopg.rows import dict_row
except ImportError:  # pragma: no cover - the serve extra is missing
    raise MissingDependency("psycopg", "serve") from None

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATION_LOCK = 0x50F5_0012  # one advisory lock: servers starting together migrate once
POOL_SIZE = 8  # connections per process: several servers share a server's max_connections
POOL_WAIT = 30.0  # seconds an operation waits for a connection before it is refused


class PostgresStore(SqlReads):
    """Calls in the PostgreSQL database at ``url`` (``postgresql://user@host:port/db``)."""

    placeholder = "%s"

    def __init__(self, url: str, *, connect_timeout: int = 5, pool_size: int = POOL_SIZE) -> None:
        self._conninfo, self._schema = _split_schema(url)
        self._where = _redacted(url)
        self._connect_timeout = connect_timeout
        self._idle: queue.LifoQueue[psycopg.Connection[dict[str, Any]]] = queue.LifoQueue()
        self._slots = threading.BoundedSemaphore(pool_size)
        self._connections: list[psycopg.Connection[dict[str, Any]]] = []
        self._lock = threading.Lock()
        self._closed = False
        try:
            self._migrate()
        except BaseException:
            self.close()
            raise

    @property
    def where(self) -> str:
        return self._where

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """A connection of the pool, for one operation; waits while all are in use."""
        if self._closed or not self._slots.acquire(timeout=POOL_WAIT):
            raise StoreError(self.where, "closed" if self._closed else "every connection busy")
        db = None
        try:
            try:
                db = self._idle.get_nowait()
            except queue.Empty:
                db = self._connect()
            if db.closed or db.broken:
                db = self._connect()
            yield db
        finally:
            if db is not None and not self._closed and not db.closed and not db.broken:
                self._idle.put(db)
            self._slots.release()

    def _connect(self) -> psycopg.Connection[dict[str, Any]]:
        try:
            db = psycopg.connect(
                self._conninfo,
                row_factory=dict_row,
                autocommit=True,
                connect_timeout=self._connect_timeout,
            )
            with db.transaction():
                db.execute("SET synchronous_commit = on")
                if self._schema:
                    db.execute(f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"')
                    db.execute(f'SET search_path = "{self._schema}"')
        except psycopg.Error as error:
            raise StoreError(self.where, f"cannot connect: {_first_line(error)}") from None
        with self._lock:
            self._connections.append(db)
        return db

    def _migrate(self) -> None:
        with self._connection() as db:
            try:
                with db.transaction():
                    db.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATION_LOCK,))
                    db.execute(
                        f"CREATE TABLE IF NOT EXISTS {migrate.TABLE} (version INTEGER PRIMARY KEY,"
                        " name TEXT NOT NULL, applied TIMESTAMPTZ NOT NULL DEFAULT now())"
                    )
                    rows = db.execute(f"SELECT version, name FROM {migrate.TABLE}").fetchall()
                    applied = [(r["version"], r["name"]) for r in rows]
                    for migration in migrate.pending("postgres", applied, self.where):
                        db.execute(migration.sql.encode())  # several statements, no parameters
                        db.execute(
                            f"INSERT INTO {migrate.TABLE} (version, name) VALUES (%s, %s)",
                            (migration.version, migration.name),
                        )
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot migrate: {_first_line(error)}") from None

    # -- writes ------------------------------------------------------------------------

    def create(self, call: StoredCall) -> StoredCall:
        with self._connection() as db:
            try:
                with db.transaction():
                    row = db.execute(
                        "INSERT INTO calls (id, sop, version, agent, created, updated, revision,"
                        " step, path, outcome) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
                        " RETURNING seq",
                        (
                            call.id,
                            call.sop,
                            call.version,
                            call.agent,
                            call.created,
                            call.updated,
                            call.revision,
                            call.state.step,
                            path_json(call.state.path),
                            call.state.outcome,
                        ),
                    ).fetchone()
                    assert row is not None
                    _insert_answers(db, row["seq"], 0, call.log)
            except psycopg.errors.UniqueViolation:
                raise StoreError(self.where, f"call {call.id!r} already exists") from None
            except psycopg.Error as error:
                raise StoreError(self.where, f"call not kept: {_first_line(error)}") from None
        return self.get(call.id)

    def append(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
    ) -> StoredCall:
        call_id, revision = call.id, call.revision
        with self._connection() as db:
            try:
                with db.transaction():
                    row = db.execute(
                        "UPDATE calls SET revision = %s, step = %s, path = %s, outcome = %s,"
                        " updated = %s WHERE id = %s AND revision = %s RETURNING seq",
                        (
                            revision + len(answers),
                            state.step,
                            path_json(state.path),
                            state.outcome,
                            updated,
                            call_id,
                            revision,
                        ),
                    ).fetchone()
                    if row is None:
                        current = db.execute(
                            "SELECT revision FROM calls WHERE id = %s", (call_id,)
                        ).fetchone()
                        if current is None:
                            raise UnknownCall(call_id)
                        raise StaleRevision(call_id, revision, current["revision"])
                    _insert_answers(db, row["seq"], revision, answers)
            except psycopg.errors.UniqueViolation:  # the key on (call, revision) held
                now = db.execute("SELECT revision FROM calls WHERE id = %s", (call_id,)).fetchone()
                raise StaleRevision(call_id, revision, now["revision"] if now else -1) from None
            except psycopg.Error as error:
                raise StoreError(self.where, f"answer not kept: {_first_line(error)}") from None
        return attrs.evolve(call, log=call.log + tuple(answers), state=state, updated=updated)

    # -- reads -------------------------------------------------------------------------

    def _read(self, where: str, params: list[Any], order: str) -> list[StoredCall]:
        with self._connection() as db:
            try:
                # REPEATABLE READ: the calls and their answers from one snapshot.
                with db.transaction():
                    db.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                    rows = db.execute(f"SELECT * FROM calls {where} {order}", params).fetchall()
                    if not rows:
                        return []
                    answers = db.execute(
                        "SELECT * FROM answers WHERE call_seq = ANY(%s)"
                        " ORDER BY call_seq, revision",
                        ([r["seq"] for r in rows],),
                    ).fetchall()
                    entries = db.execute(
                        "SELECT * FROM record_entries WHERE call_seq = ANY(%s)"
                        " ORDER BY call_seq, revision",
                        ([r["seq"] for r in rows],),
                    ).fetchall()
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot read: {_first_line(error)}") from None
            return assemble(rows, answers, json_text=True, entries=entries)

    # -- practice results --------------------------------------------------------------

    def add_practice_result(self, result: PracticeResult) -> PracticeResult:
        with self._connection() as db:
            try:
                with db.transaction():
                    row = db.execute(
                        "INSERT INTO practice_results (agent, cohort, scenario, seed, at, scores)"
                        " VALUES (%s, %s, %s, %s, %s, %s) RETURNING seq",
                        (
                            result.agent,
                            result.cohort,
                            result.scenario,
                            result.seed,
                            result.at,
                            scores_json(result.scores),
                        ),
                    ).fetchone()
            except psycopg.Error as error:
                raise StoreError(self.where, f"result not kept: {_first_line(error)}") from None
        assert row is not None
        return attrs.evolve(result, seq=int(row["seq"]))

    def practice_results(self, cohort: str | None = None) -> list[PracticeResult]:
        where, params = ("WHERE cohort = %s", [cohort]) if cohort is not None else ("", [])
        with self._connection() as db:
            try:
                with db.transaction():
                    rows = db.execute(
                        f"SELECT * FROM practice_results {where} ORDER BY seq", params
                    ).fetchall()
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot read: {_first_line(error)}") from None
        return [practice_result(row) for row in rows]

    # -- health ------------------------------------------------------------------------

    def check(self) -> None:
        try:
            with self._connection() as db, db.transaction():
                db.execute(f"SELECT count(*) FROM {migrate.TABLE}").fetchone()
        except psycopg.Error as error:
            raise StoreError(self.where, f"not answering: {_first_line(error)}") from None

    def durability(self) -> dict[str, str]:
        with self._connection() as db:
            with db.transaction():
                row = db.execute("SHOW synchronous_commit").fetchone()
                fsync = db.execute("SHOW fsync").fetchone()
            assert row is not None
            assert fsync is not None
            return {"synchronous_commit": row["synchronous_commit"], "fsync": fsync["fsync"]}

    def close(self) -> None:
        self._closed = True
        with self._lock:
            for db in self._connections:
                db.close()
            self._connections.clear()


def _insert_answers(
    db: psycopg.Connection[dict[str, Any]], seq: int, revision: int, log: Sequence[Logged]
) -> None:
    answers, entries = numbered(revision, log)
    with db.cursor() as cursor:
        if answers:
            cursor.executemany(
                "INSERT INTO answers (call_seq, revision, question, value, agent, at, answered_by)"
                " VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [
                    (seq, n, a.question, value_json(a.value), a.agent, a.at, a.by)
                    for n, a in answers
                ],
            )
        if entries:
            cursor.executemany(
                "INSERT INTO record_entries (call_seq, revision, kind, body, agent, at,"
                " entered_by) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                [(seq, n, e.kind, body_json(e), e.agent, e.at, e.by) for n, e in entries],
            )


def _split_schema(url: str) -> tuple[str, str | None]:
    """The URL without our ``schema`` parameter (libpq does not know it), and the schema."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((v for k, v in query if k == "schema"), None)
    if schema is not None and not _SCHEMA.match(schema):
        raise StoreError(_redacted(url), f"schema {schema!r} is not a lower-case SQL name")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def _redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
