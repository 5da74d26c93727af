"""The call store on a PostgreSQL server: for several service processes or machines.

The only module that imports psycopg (3). Every connection sets
``synchronous_commit = on``, so a commit is durable on the server before the service
answers. An answer is one statement: ``UPDATE calls ... WHERE id = %s AND revision = %s``
takes the call's row lock and applies only if no other server moved the call on first
(the primary key on (call, revision) in the answer log is the second guard), so any
number of ``sopfsm serve`` processes on one database behave as one service.

Speed: connections come from a pool (psycopg_pool), each statement is prepared on the
server the first time a connection runs it (``prepare_threshold=0``), and a request's
work is one statement, so one round trip: answers are one JSON document given to a
function that writes each as it would be written alone (migration 0007), a call and its
log one ``SELECT`` (a single statement reads one snapshot). The answers the service's
event loop awaits (:meth:`PostgresStore.append_soon`) are committed together by that
loop (:class:`_LoopWriter`): those waiting go as one document, so one statement, one
round trip and one durable commit cover them all, psycopg adapts one parameter where a
statement per answer had it adapt two dozen each, and the loop serves requests while the
database commits.

``?schema=NAME`` in the URL keeps the tables in that schema (created if missing), which
the tests use to run against a shared server without touching anything else.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import datetime as dt
import functools
import json
import re
import threading
import time
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import attrs

from sopfsm.answers import Value
from sopfsm.errors import (
    AlreadyDelivered,
    MissingDependency,
    ReportPurged,
    StaleRevision,
    StoreError,
    UnknownCall,
    UnknownDelivery,
)
from sopfsm.store import migrate
from sopfsm.store._codec import (
    assemble,
    body_json,
    delivery,
    numbered,
    path_json,
    practice_result,
    report_json,
    scores_json,
    value_json,
)
from sopfsm.store._sql import SqlReads
from sopfsm.store.base import (
    CallState,
    Delivery,
    Logged,
    LoggedAnswer,
    PersonalRead,
    PracticeResult,
    ReportChange,
    ReportStatus,
    Settlement,
    StoredCall,
    check_storable,
)
from sopfsm.store.url import redacted, scrubbed

try:
    import orjson
    import psycopg
    import psycopg_pool
    from psycopg.rows import dict_row
except ImportError:  # pragma: no cover - the serve extra is missing
    raise MissingDependency("psycopg, psycopg_pool and orjson", "serve") from None

_SCHEMA = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")
MIGRATION_LOCK = 0x50F5_0012  # one advisory lock: servers starting together migrate once
POOL_SIZE = 16  # connections per process: several servers share a server's max_connections
POOL_WAIT = 30.0  # seconds an operation waits for a connection before it is refused


class PostgresStore(SqlReads):
    """Calls in the PostgreSQL database at ``url`` (``postgresql://user@host:port/db``)."""

    placeholder = "%s"

    def __init__(self, url: str, *, connect_timeout: int = 5, pool_size: int = POOL_SIZE) -> None:
        self._conninfo, self._schema = _split_schema(url)
        self._url = url
        self._where = redacted(url)
        self._connect_timeout = connect_timeout
        # Writes that wait off the caller's thread: a write made soon off any event loop,
        # and what a loop's writer hands back (a batch refused, done write by write). One
        # thread, so that they are done in the order they came, as a batch keeps its own.
        self._appender = concurrent.futures.ThreadPoolExecutor(
            1, thread_name_prefix="sopfsm-postgres-write"
        )
        # The service's writes, committed together by a writer on its event loop.
        self._writers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopWriter] = (
            weakref.WeakKeyDictionary()
        )
        self._writers_lock = threading.Lock()
        self._closed = False
        self._pool = psycopg_pool.ConnectionPool(
            self._conninfo,
            min_size=1,
            max_size=pool_size,
            kwargs={
                "row_factory": dict_row,
                "autocommit": True,
                "connect_timeout": connect_timeout,
                "prepare_threshold": 0,  # prepared at first use: the statements are few
            },
            configure=self._configure,
            timeout=POOL_WAIT,
            name="sopfsm",
            open=False,
        )
        try:
            try:
                self._pool.open(wait=True, timeout=connect_timeout)
            except psycopg_pool.PoolTimeout:
                raise StoreError(self.where, f"cannot connect: {self._why_not()}") from None
            self._migrate()
        except BaseException:
            self.close()
            raise

    @property
    def where(self) -> str:
        return self._where

    def _said(self, error: BaseException) -> str:
        """The driver's message, without any secret of the URL it may quote."""
        return scrubbed(_first_line(error), self._url)

    def _configure(self, db: psycopg.Connection[Any]) -> None:
        for statement in self._settings():
            db.execute(statement)

    def _settings(self) -> list[str]:
        """What every connection runs first, the pool's and the loop writers' alike."""
        settings = [
            "SET synchronous_commit = on",
            "SET TIME ZONE 'UTC'",  # the log's times come back as +00:00 in JSON
        ]
        if self._schema:
            settings += [
                f'CREATE SCHEMA IF NOT EXISTS "{self._schema}"',
                f'SET search_path = "{self._schema}"',
            ]
        return settings

    def _why_not(self) -> str:
        """Why a connection cannot be made, asked of the server once more, for the message."""
        try:
            psycopg.connect(self._conninfo, connect_timeout=2).close()
        except psycopg.Error as error:
            return self._said(error)
        return "no connection within the time allowed"

    @contextlib.contextmanager
    def _connection(self) -> Iterator[psycopg.Connection[dict[str, Any]]]:
        """A connection of the pool, for one operation; waits while all are in use."""
        try:
            with self._pool.connection() as db:
                yield db
        except psycopg_pool.PoolClosed:
            raise StoreError(self.where, "closed") from None
        except psycopg_pool.PoolTimeout:
            raise StoreError(self.where, "every connection busy") from None

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
                        # Several statements, no parameters: never prepared.
                        db.execute(migration.sql.encode(), prepare=False)
                        db.execute(
                            f"INSERT INTO {migrate.TABLE} (version, name) VALUES (%s, %s)",
                            (migration.version, migration.name),
                        )
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot migrate: {self._said(error)}") from None

    # -- writes ------------------------------------------------------------------------

    def create(self, call: StoredCall, report: ReportChange | None = None) -> StoredCall:
        check_storable(self.where, call)
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
                    status = None
                    if report is not None:
                        status = _enqueue(db, row["seq"], report, call.updated)
            except psycopg.errors.UniqueViolation:
                raise StoreError(self.where, f"call {call.id!r} already exists") from None
            except psycopg.Error as error:
                raise StoreError(self.where, f"call not kept: {self._said(error)}") from None
        return attrs.evolve(call, seq=row["seq"], report=status)

    def create_soon(
        self, call: StoredCall, report: ReportChange | None = None
    ) -> concurrent.futures.Future[StoredCall]:
        check_storable(self.where, call)
        if not all(isinstance(a, LoggedAnswer) for a in call.log):
            return self._appender.submit(self.create, call, report)
        return self._queue(_Write("create", call, call.log, call.state, call.updated, report))

    def append(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> StoredCall:
        check_storable(self.where, call, answers, with_log=False)
        if not all(isinstance(a, LoggedAnswer) for a in answers):
            return self._append_record(call, answers, state, updated, report)
        job = _Write("append", call, tuple(answers), state, updated, report)
        with self._connection() as db:
            try:
                # One statement, one round trip, one transaction: the row moves on only if
                # the call is still at ``revision``, its answers and report with it.
                (row,) = _sent(db, [job])
            except psycopg.errors.UniqueViolation:  # the key on (call, revision) held
                now = db.execute("SELECT revision FROM calls WHERE id = %s", (call.id,)).fetchone()
                current = now["revision"] if now else -1
                raise StaleRevision(call.id, call.revision, current) from None
            except psycopg.Error as error:
                raise StoreError(self.where, f"answer not kept: {self._said(error)}") from None
        return self._appended(job, row)

    def append_soon(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> concurrent.futures.Future[StoredCall]:
        check_storable(self.where, call, answers, with_log=False)
        if not all(isinstance(a, LoggedAnswer) for a in answers):
            return self._appender.submit(self.append, call, answers, state, updated, report)
        return self._queue(_Write("append", call, tuple(answers), state, updated, report))

    def _queue(self, write: _Write) -> concurrent.futures.Future[StoredCall]:
        with self._writers_lock:
            if self._closed:
                raise StoreError(self.where, "closed")
            try:
                loop = asyncio.get_running_loop()
            except RuntimeError:  # off any event loop: the write alone, in a thread
                return self._appender.submit(self._alone(write))
            writer = self._writers.get(loop)
            if writer is None:
                writer = self._writers[loop] = _LoopWriter(self)
                # A loop that ends without the store closed leaves no connection open.
                weakref.finalize(loop, writer.discard)
        writer.put(write)
        return write.done

    def _alone(self, write: _Write) -> Callable[[], StoredCall]:
        """``write`` done as :meth:`create` or :meth:`append` does it, alone."""
        if write.kind == "create":
            return functools.partial(self.create, write.call, write.report)
        return functools.partial(self.append, *write.appended)

    def _appended(self, job: _Write, row: dict[str, Any] | None) -> StoredCall:
        """The call as ``job`` left it, or why the batch's statement did not move it."""
        call = job.call
        if row is None or row["seq"] is None:
            if job.kind == "create":  # pragma: no cover - an insert that fails raises
                raise StoreError(self.where, f"call {call.id!r} not kept")
            try:
                with self._connection() as db:
                    now = db.execute(
                        "SELECT revision FROM calls WHERE id = %s", (call.id,)
                    ).fetchone()
            except psycopg.Error as error:
                raise StoreError(self.where, f"answer not kept: {self._said(error)}") from None
            if now is None:
                raise UnknownCall(call.id)
            raise StaleRevision(call.id, call.revision, now["revision"])
        if job.kind == "create":
            kept = attrs.evolve(call, seq=row["seq"])
        else:
            kept = attrs.evolve(
                call, log=call.log + job.answers, state=job.state, updated=job.updated
            )
        if job.report is None:
            return kept
        status = ReportStatus(
            job.report.report_id, int(row["report_revision"]), job.report.kind, "pending"
        )
        return attrs.evolve(kept, report=status)

    # -- personal data -----------------------------------------------------------------

    def record_read(self, read: PersonalRead) -> None:
        with self._connection() as db:
            try:
                db.execute(
                    "INSERT INTO personal_reads (agent, role, call_id, at) VALUES (%s, %s, %s, %s)",
                    (read.agent, read.role, read.call_id, read.at),
                )
            except psycopg.Error as error:
                raise StoreError(self.where, f"read not recorded: {_first_line(error)}") from None

    def reads(
        self, call_id: str | None = None, limit: int = 100, agent: str | None = None
    ) -> list[PersonalRead]:
        where, params = _reads_filter(call_id, agent, "%s")
        with self._connection() as db:
            try:
                rows = db.execute(
                    f"SELECT agent, role, call_id, at FROM personal_reads {where}"
                    f" ORDER BY seq DESC LIMIT {int(limit)}",
                    params,
                ).fetchall()
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot read: {_first_line(error)}") from None
        return [PersonalRead(r["agent"], r["role"], r["call_id"], r["at"]) for r in rows]

    def redact(
        self,
        call: StoredCall,
        values: Mapping[int, Value],
        at: dt.datetime,
        *,
        entries: Mapping[int, Mapping[str, Any]] | None = None,
        reports: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        with self._connection() as db:
            try:
                with db.transaction():
                    row = db.execute("SELECT seq FROM calls WHERE id = %s", (call.id,)).fetchone()
                    if row is None:
                        raise UnknownCall(call.id)
                    for revision, value in values.items():
                        db.execute(
                            "INSERT INTO redactions (call_seq, revision, at) VALUES (%s, %s, %s)"
                            " ON CONFLICT (call_seq, revision) DO UPDATE SET at = EXCLUDED.at",
                            (row["seq"], revision, at),
                        )
                        db.execute(
                            "UPDATE answers SET value = %s WHERE call_seq = %s AND revision = %s",
                            (value_json(value), row["seq"], revision),
                        )
                    for revision, body in (entries or {}).items():
                        db.execute(
                            "INSERT INTO entry_redactions (call_seq, revision, at)"
                            " VALUES (%s, %s, %s)"
                            " ON CONFLICT (call_seq, revision) DO UPDATE SET at = EXCLUDED.at",
                            (row["seq"], revision, at),
                        )
                        db.execute(
                            "UPDATE record_entries SET body = %s"
                            " WHERE call_seq = %s AND revision = %s",
                            (json.dumps(dict(body), ensure_ascii=False), row["seq"], revision),
                        )
                    for delivery_id, document in (reports or {}).items():
                        text = json.dumps(dict(document), ensure_ascii=False, sort_keys=True)
                        db.execute(
                            "UPDATE reports SET body = %s, purged_at = %s"
                            " WHERE seq = %s AND call_seq = %s",
                            (text, at, delivery_id, row["seq"]),
                        )
            except psycopg.Error as error:
                raise StoreError(self.where, f"not redacted: {_first_line(error)}") from None

    def _append_record(
        self,
        call: StoredCall,
        log: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> StoredCall:
        """A correction, details or a wrap-up, and the report revision it makes: the row
        moved on, the entries inserted and the report put in the outbox in one
        transaction, only if the call is still at its revision (rarer than answers, so
        kept to plain statements)."""
        call_id, revision = call.id, call.revision
        status = None
        with self._connection() as db:
            try:
                with db.transaction():
                    row = db.execute(
                        "UPDATE calls SET revision = %s, step = %s, path = %s, outcome = %s,"
                        " updated = %s WHERE id = %s AND revision = %s RETURNING seq",
                        (revision + len(log), state.step, path_json(state.path), state.outcome,
                         updated, call_id, revision),
                    ).fetchone()  # fmt: skip
                    if row is None:
                        current = db.execute(
                            "SELECT revision FROM calls WHERE id = %s", (call_id,)
                        ).fetchone()
                        if current is None:
                            raise UnknownCall(call_id)
                        raise StaleRevision(call_id, revision, current["revision"])
                    _insert_answers(db, row["seq"], revision, log)
                    if report is not None:
                        status = _enqueue(db, row["seq"], report, updated)
            except psycopg.errors.UniqueViolation:  # the key on (call, revision) held
                now = db.execute("SELECT revision FROM calls WHERE id = %s", (call_id,)).fetchone()
                raise StaleRevision(call_id, revision, now["revision"] if now else -1) from None
            except psycopg.Error as error:
                raise StoreError(self.where, f"entry not kept: {self._said(error)}") from None
        kept = attrs.evolve(call, log=call.log + tuple(log), state=state, updated=updated)
        return kept if status is None else attrs.evolve(kept, report=status)

    # -- the outbox --------------------------------------------------------------------

    def claim(self, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[Delivery]:
        with self._connection() as db:
            try:
                # Row locks taken with SKIP LOCKED: deliverers on other servers pass over
                # the rows this one is claiming, and the lease keeps them off until it ends.
                rows = db.execute(_CLAIM, {"now": now, "until": now + lease,
                                           "limit": int(limit)}).fetchall()  # fmt: skip
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot claim: {self._said(error)}") from None
        return sorted(map(delivery, rows), key=lambda d: (d.next_at, d.id))

    def settle(self, delivery: Delivery, result: Settlement) -> bool:
        with self._connection() as db:
            try:
                cursor = db.execute(
                    "UPDATE reports SET state = %s, attempts = %s,"
                    " next_at = coalesce(%s, next_at), leased_until = NULL, delivered_at = %s,"
                    " last_status = %s, last_error = %s"
                    " WHERE seq = %s AND claims = %s AND state = 'pending'",
                    (
                        result.state,
                        result.attempts,
                        result.next_at,
                        result.at if result.state == "delivered" else None,
                        result.status,
                        result.error,
                        delivery.id,
                        delivery.claims,
                    ),
                )
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot settle: {self._said(error)}") from None
            return cursor.rowcount == 1

    def deliveries(
        self, state: str | None = None, before: int | None = None, limit: int = 100
    ) -> list[Delivery]:
        clause: list[str] = []
        params: list[Any] = []
        if state is not None:
            clause.append("r.state = %s")
            params.append(state)
        if before is not None:
            clause.append("r.seq < %s")
            params.append(before)
        where = ("WHERE " + " AND ".join(clause)) if clause else ""
        with self._connection() as db:
            try:
                rows = db.execute(
                    f"{_DELIVERIES} {where} ORDER BY r.seq DESC LIMIT {int(limit)}", params
                ).fetchall()
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot read: {self._said(error)}") from None
        return [delivery(row) for row in rows]

    def delivery(self, delivery_id: int) -> Delivery:
        with self._connection() as db:
            try:
                row = db.execute(f"{_DELIVERIES} WHERE r.seq = %s", (delivery_id,)).fetchone()
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot read: {self._said(error)}") from None
        if row is None:
            raise UnknownDelivery(delivery_id)
        return delivery(row)

    def retry(self, delivery_id: int, now: dt.datetime) -> Delivery:
        with self._connection() as db:
            try:
                with db.transaction():
                    row = db.execute(
                        "SELECT report_id, revision, state, purged_at FROM reports"
                        " WHERE seq = %s FOR UPDATE",
                        (delivery_id,),
                    ).fetchone()
                    if row is None:
                        raise UnknownDelivery(delivery_id)
                    if row["state"] == "delivered":
                        raise AlreadyDelivered(delivery_id, row["report_id"], row["revision"])
                    if row["purged_at"] is not None:
                        raise ReportPurged(delivery_id, row["report_id"], row["revision"])
                    db.execute(
                        "UPDATE reports SET state = 'pending', attempts = 0, next_at = %s"
                        " WHERE seq = %s",
                        (now, delivery_id),
                    )
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot retry: {self._said(error)}") from None
        return self.delivery(delivery_id)

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
                    reports = db.execute(
                        "SELECT call_seq, report_id, revision, kind, state FROM reports"
                        " WHERE call_seq = ANY(%s) ORDER BY call_seq, revision",
                        ([r["seq"] for r in rows],),
                    ).fetchall()
            except psycopg.Error as error:
                raise StoreError(self.where, f"cannot read: {self._said(error)}") from None
            return assemble(rows, answers, json_text=True, entries=entries, reports=reports)

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
                raise StoreError(self.where, f"result not kept: {self._said(error)}") from None
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
                raise StoreError(self.where, f"cannot read: {self._said(error)}") from None
        return [practice_result(row) for row in rows]

    # -- health ------------------------------------------------------------------------

    def check(self) -> None:
        try:
            with self._connection() as db, db.transaction():
                db.execute(f"SELECT count(*) FROM {migrate.TABLE}").fetchone()
        except psycopg.Error as error:
            raise StoreError(self.where, f"not answering: {self._said(error)}") from None

    def durability(self) -> dict[str, str]:
        with self._connection() as db:
            with db.transaction():
                row = db.execute("SHOW synchronous_commit").fetchone()
                fsync = db.execute("SHOW fsync").fetchone()
            assert row is not None
            assert fsync is not None
            return {"synchronous_commit": row["synchronous_commit"], "fsync": fsync["fsync"]}

    def close(self) -> None:
        with self._writers_lock:
            self._closed = True  # no write is queued from now on
            writers = list(self._writers.items())
        for loop, writer in writers:
            writer.close(loop)
        self._appender.shutdown()
        self._pool.close()


def _sent(db: psycopg.Connection[dict[str, Any]], batch: list[_Write]) -> list[Any]:
    """Each write's row, the batch committed as one transaction (:func:`_document`)."""
    return _checked(batch, db.execute(_WRITE_ALL, _document(batch)).fetchall())


def _document(batch: list[_Write]) -> dict[str, str]:
    """The batch as the parameter of one statement: one JSON document given to the
    function that applies the writes in order (``sopfsm_write``, migration 0007), one
    statement and one round trip for all. One document costs the service half the CPU of
    a statement per write, whose every parameter psycopg adapts in Python."""
    return {"writes": orjson.dumps([job.row() for job in batch]).decode()}


def _checked(batch: list[_Write], rows: list[Any]) -> list[Any]:
    assert [row["id"] for row in rows] == [job.call.id for job in batch]
    return rows


class _LoopWriter:
    """The writes of calls made on one event loop, committed together by that loop.

    A write waits in a list; the first one starts a task that, once the loop has run
    what was ready, commits every write waiting (up to :data:`MAX_BATCH`) as one
    statement on the writer's own connection, then the writes that came meanwhile, until
    none waits. The loop goes on serving requests while a batch is in flight, so the
    database works on one batch while the service prepares the next. Batches go one at a
    time, in the order their writes were queued, and a batch done again write by write
    (one was refused) is done before the next is sent.

    A thread committing for the loop could not do this: the loop hands the interpreter
    lock back and forth around every socket call, which restarts the wait of a thread
    that wants it, so such a thread runs only once the loop has nothing left to do; every
    waiting answer then goes in one batch, and the loop stands idle while it commits.
    """

    def __init__(self, store: PostgresStore) -> None:
        self._store = store
        self._waiting: list[_Write] = []
        self._in_flight: list[_Write] = []
        self._task: asyncio.Task[None] | None = None
        self._db: psycopg.AsyncConnection[dict[str, Any]] | None = None
        self._batches: psycopg.AsyncCursor[dict[str, Any]] | None = None

    def put(self, write: _Write) -> None:
        """Queue ``write``; on the writer's loop only."""
        self._waiting.append(write)
        self._start()

    def _start(self) -> None:
        # A task done already (cancelled before it ran, as a loop's shutdown does) is
        # replaced: the writes it never took still wait.
        if self._task is None or self._task.done():
            loop = asyncio.get_running_loop()
            self._task = loop.create_task(self._commit_waiting(), name="sopfsm-postgres-commit")

    async def _commit_waiting(self) -> None:
        try:
            while self._waiting:
                taken = self._waiting[:MAX_BATCH]
                del self._waiting[:MAX_BATCH]
                # A write whose waiter gave up (a request cancelled) is left out; the
                # others can no longer be cancelled, so settling each cannot fail.
                batch = [job for job in taken if job.done.set_running_or_notify_cancel()]
                if batch:
                    self._in_flight = batch
                    try:
                        await self._commit(batch)
                    finally:
                        self._in_flight = []
        finally:
            self._task = None

    async def _commit(self, batch: list[_Write]) -> None:
        """Commit ``batch`` and settle each of its writes; whatever goes wrong, no write
        is left waiting."""
        store = self._store
        try:
            await self._send(batch)
        except asyncio.CancelledError:
            # The loop is ending with the batch in flight: whether it was committed is not
            # known, and no one waits for the answer any more.
            self._drop_connection()
            _fail(batch, StoreError(store.where, UNKNOWN))
            raise
        except Exception as error:
            _fail(batch, StoreError(store.where, f"answer not kept: {store._said(error)}"))

    async def _send(self, batch: list[_Write]) -> None:
        store = self._store
        # Rows locked in one order by every server's batches, so two never deadlock.
        batch.sort(key=lambda job: job.call.id)
        document = _document(batch)
        try:
            cursor = await self._cursor()
            await cursor.execute(_WRITE_ALL, document)
            rows = _checked(batch, await cursor.fetchall())
        except psycopg.OperationalError:
            # No connection, or the server gone: the batch fails at once, as each of its
            # answers would alone; the next batch connects afresh.
            self._drop_connection()
            raise
        except psycopg.Error:
            # One refused, and the transaction with it: each alone, as append does them,
            # in order (an append may follow its call's create), in a thread (they wait
            # for the database), before the next batch is sent.
            await asyncio.wrap_future(
                store._appender.submit(_settle_in_order, [(j, store._alone(j)) for j in batch])
            )
            return
        refused: list[tuple[_Write, Callable[[], StoredCall]]] = []
        for job, row in zip(batch, rows, strict=True):
            work = functools.partial(store._appended, job, row)
            if row["seq"] is None:  # why is asked of the database, in a thread
                refused.append((job, work))
            else:
                job.settle(work)
        if refused:
            await asyncio.wrap_future(store._appender.submit(_settle_in_order, refused))

    async def _cursor(self) -> psycopg.AsyncCursor[dict[str, Any]]:
        """The cursor every batch is sent on, one after another: made once, it spares each
        batch the making of one (a third of psycopg's CPU for a statement, measured)."""
        if self._db is None:
            store = self._store
            db = await psycopg.AsyncConnection.connect(
                store._conninfo,
                autocommit=True,
                row_factory=dict_row,
                prepare_threshold=0,
                connect_timeout=store._connect_timeout,
            )
            try:
                for statement in store._settings():
                    await db.execute(statement)
            except BaseException:
                await db.close()
                raise
            self._db, self._batches = db, db.cursor()
        assert self._batches is not None
        return self._batches

    def close(self, loop: asyncio.AbstractEventLoop) -> None:
        """Commit what waits and close the connection, from any thread but the loop's
        own. What a loop that has stopped holds is refused; a loop that still runs but
        does not finish within :data:`POOL_WAIT` is left its writes and connection (they
        are its own, and go with it)."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not loop and loop.is_running():
            finished: concurrent.futures.Future[None] = concurrent.futures.Future()

            def finish() -> None:  # on the loop: made there, so never left un-awaited
                if finished.set_running_or_notify_cancel():
                    task = loop.create_task(self._finish())
                    task.add_done_callback(lambda _: finished.set_result(None))

            with contextlib.suppress(RuntimeError):  # the loop closed meanwhile
                loop.call_soon_threadsafe(finish)
                deadline = time.monotonic() + POOL_WAIT
                while loop.is_running() and time.monotonic() < deadline:
                    with contextlib.suppress(TimeoutError):
                        finished.result(timeout=0.05)
                        return
                if loop.is_running():
                    return  # stuck: its writes are its own
            finished.cancel()  # the loop stopped before finishing
        self.discard()

    async def _finish(self) -> None:
        while self._waiting or (self._task is not None and not self._task.done()):
            self._start()
            assert self._task is not None
            await asyncio.wait([self._task])
        if self._db is not None:
            db, self._db, self._batches = self._db, None, None
            await db.close()

    def discard(self) -> None:
        """Refuse what waits or is in flight and drop the connection, without the loop
        (it has stopped, or gone)."""
        waiting, self._waiting = self._waiting, []
        closed = StoreError(self._store.where, UNKNOWN)
        _fail(self._in_flight, closed)
        _fail(
            [job for job in waiting if job.done.set_running_or_notify_cancel()],
            StoreError(self._store.where, "closed"),
        )
        self._drop_connection()

    def _drop_connection(self) -> None:
        if self._db is not None:
            db, self._db, self._batches = self._db, None, None
            db.pgconn.finish()


def _settle_in_order(jobs: Sequence[tuple[_Write, Callable[[], StoredCall]]]) -> None:
    for job, work in jobs:
        job.settle(work)


def _fail(batch: list[_Write], error: StoreError) -> None:
    for job in batch:
        if not job.done.done():
            job.done.set_exception(error)


@attrs.frozen
class _Write:
    """A new call (``create``) or an append of answers, waiting for the batch that
    commits it, and its future."""

    kind: str
    call: StoredCall
    answers: tuple[Logged, ...]
    state: CallState
    updated: dt.datetime
    report: ReportChange | None
    done: concurrent.futures.Future[StoredCall] = attrs.field(
        factory=concurrent.futures.Future, eq=False
    )

    @property
    def appended(self) -> tuple[Any, ...]:
        return (self.call, self.answers, self.state, self.updated, self.report)

    def row(self) -> dict[str, Any]:
        """The write as one row of a batch's JSON document (:data:`_WRITE_ALL`)."""
        call, state, report = self.call, self.state, self.report
        revision = 0 if self.kind == "create" else call.revision
        plain = [a for a in self.answers if isinstance(a, LoggedAnswer)]
        return {
            "write": self.kind,
            "id": call.id,
            "sop": call.sop,
            "version": call.version,
            "agent": call.agent,
            "created": call.created,
            "revision": revision,
            "new": revision + len(plain),
            "step": state.step,
            "path": path_json(state.path),
            "outcome": state.outcome,
            "updated": self.updated,
            "answers": [
                {
                    "revision": revision + n,
                    "question": a.question,
                    "value": value_json(a.value),
                    "agent": a.agent,
                    "at": a.at,
                    "by": a.by,
                }
                for n, a in enumerate(plain, 1)
            ],
            "report_id": report.report_id if report is not None else None,
            "report_kind": report.kind if report is not None else None,
            "body": report_json(report) if report is not None else None,
        }

    def settle(self, work: Callable[[], StoredCall]) -> None:
        try:
            self.done.set_result(work())
        except Exception as error:
            self.done.set_exception(error)


MAX_BATCH = 64  # answers committed together at most
UNKNOWN = "closed before the answer was known to be kept"  # a write in flight at the end


# A batch of writes, applied in order by the function migration 0007 made.
_WRITE_ALL = """SELECT written_id AS id, written_seq AS seq, written_report AS report_revision
FROM sopfsm_write(%(writes)s::jsonb)"""


# Due rows, locked as they are picked (SKIP LOCKED: another deliverer's picks are passed
# over), leased and counted as claimed, in one statement.
_CLAIM = """
WITH picked AS (
    SELECT r.seq FROM reports r
    WHERE r.state = 'pending' AND r.next_at <= %(now)s
        AND (r.leased_until IS NULL OR r.leased_until <= %(now)s)
        AND NOT EXISTS (SELECT 1 FROM reports e WHERE e.report_id = r.report_id
            AND e.revision < r.revision AND e.state = 'pending')
    ORDER BY r.next_at, r.seq
    LIMIT %(limit)s
    FOR UPDATE OF r SKIP LOCKED
), claimed AS (
    UPDATE reports SET claims = reports.claims + 1, leased_until = %(until)s
    FROM picked WHERE reports.seq = picked.seq
    RETURNING reports.*
)
SELECT claimed.*, c.id AS call_id FROM claimed JOIN calls c ON c.seq = claimed.call_seq
"""
_DELIVERIES = "SELECT r.*, c.id AS call_id FROM reports r JOIN calls c ON c.seq = r.call_seq"


def _enqueue(
    db: psycopg.Connection[dict[str, Any]], call_seq: int, report: ReportChange, at: dt.datetime
) -> ReportStatus:
    """The next revision of ``report`` into the outbox, in the caller's transaction (which
    holds the call's row lock, so no other change of the call numbers a revision now)."""
    row = db.execute(
        "INSERT INTO reports (report_id, revision, call_seq, kind, body, created, next_at)"
        " SELECT %(id)s, coalesce(max(revision), 0) + 1, %(call)s, %(kind)s, %(body)s, %(at)s,"
        " %(at)s FROM reports WHERE report_id = %(id)s RETURNING revision",
        {"id": report.report_id, "call": call_seq, "kind": report.kind,
         "body": report_json(report), "at": at},
    ).fetchone()  # fmt: skip
    assert row is not None
    return ReportStatus(report.report_id, int(row["revision"]), report.kind, "pending")


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
        raise StoreError(redacted(url), f"schema {schema!r} is not a lower-case SQL name")
    rest = urlencode([(k, v) for k, v in query if k != "schema"])
    return urlunsplit(parts._replace(query=rest)), schema


def _first_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _reads_filter(
    call_id: str | None, agent: str | None, placeholder: str
) -> tuple[str, list[str]]:
    clause = [f"{column} = {placeholder}" for column, value in
              (("call_id", call_id), ("agent", agent)) if value is not None]  # fmt: skip
    params = [value for value in (call_id, agent) if value is not None]
    return ("WHERE " + " AND ".join(clause)) if clause else "", params
