"""The call store in one SQLite file: the default, for one server.

Durable: WAL journal with ``synchronous=FULL``, so a commit is on disk before the
service answers. Every write goes through one writer thread, which takes the database
with ``BEGIN IMMEDIATE`` (so several processes on one file also queue) and commits the
writes waiting in its queue together: one fsync covers many answers. The writers of
several processes on one file (``serve --workers``) take turns on a lock file beside it
(``PATH.writer.lock``): one waiting for another's commit sleeps in the kernel and wakes
as it ends, where SQLite's own wait for a busy file sleeps 1, 2, 5, 10 ms and more
between tries, which with two workers made the p99 latency of an answer 60 ms and
more. SQLite's own locking still keeps the file whole: another program that writes to it
without the lock file waits as before. A batch with a refused write runs again with each
write in a savepoint of its own, so that the refused one rolls back alone. The service's
event loop awaits a write as its future (:meth:`SqliteStore.append_soon`). Reads use a
connection per thread, each read one snapshot.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import datetime as dt
import json
import os
import queue
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from sopfsm.answers import Value
from sopfsm.errors import (
    AlreadyDelivered,
    ReportPurged,
    StaleRevision,
    StoreError,
    UnknownCall,
    UnknownDelivery,
    UnknownSchemaVersion,
)
from sopfsm.store import migrate
from sopfsm.store._codec import (
    assemble,
    body_json,
    delivery,
    numbered,
    parse_time,
    path_json,
    practice_result,
    report_json,
    scores_json,
    time_text,
    value_json,
)
from sopfsm.store._queue import batches
from sopfsm.store._sql import SqlReads
from sopfsm.store.base import (
    CallState,
    Delivery,
    Logged,
    PersonalRead,
    PracticeResult,
    ReportChange,
    ReportStatus,
    Settlement,
    StoredCall,
    check_storable,
)
from sopfsm.store.url import redacted

try:
    import fcntl
except ImportError:  # not on POSIX: SQLite's own locking alone
    fcntl = None  # type: ignore[assignment]


def _turns(path: Path) -> int | None:
    """The lock file the writers of ``path`` take turns on, opened (read-only will do:
    a lock needs no write); ``None`` where it cannot be had (no ``fcntl``, a database in
    memory, a folder that refuses it): SQLite's locking alone then."""
    if fcntl is None or str(path) in ("", ":memory:"):
        return None
    try:
        return os.open(
            f"{path.resolve()}.writer.lock", os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644
        )
    except OSError:
        return None


T = TypeVar("T")
Job = tuple[Callable[[sqlite3.Connection], Any], "concurrent.futures.Future[Any]"]
BUSY_TIMEOUT_MS = 30_000
MAX_BATCH = 64
_SYNCHRONOUS = {0: "OFF", 1: "NORMAL", 2: "FULL", 3: "EXTRA"}


class SqliteStore(SqlReads):
    """Calls in the SQLite file ``path``, created and migrated on open."""

    placeholder = "?"

    def _time_param(self, at: dt.datetime) -> object:
        return time_text(at)

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self._path = Path(path)
        # Resolved once: every write names its store in a refusal, and resolving a path
        # asks the file system (an lstat per part) each time.
        self._where = redacted(f"sqlite:///{self._path.resolve()}")
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        self._read_only = read_only
        self._immutable = False
        self._turns: int | None = None  # the writers' lock file, opened by the writer
        if read_only:  # QA reading an archived store: no writer, no migration, no file made
            self._writer = threading.Thread(target=lambda: None)
            self._open_read_only()
            return
        opened: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._writer = threading.Thread(
            target=self._write_loop, args=(opened,), name="sopfsm-sqlite-writer", daemon=True
        )
        self._writer.start()
        opened.result()  # the file opened and migrated, or the reason it did not

    @property
    def where(self) -> str:
        return self._where

    @property
    def path(self) -> Path:
        """The SQLite file (the deliverer keeps its one-deliverer lock beside it)."""
        return self._path.resolve()

    # -- writes ------------------------------------------------------------------------

    def create(self, call: StoredCall, report: ReportChange | None = None) -> StoredCall:
        return self._refused_twice(call, lambda: self._write(self._creating(call, report)))

    def create_soon(
        self, call: StoredCall, report: ReportChange | None = None
    ) -> concurrent.futures.Future[StoredCall]:
        made = self._submit(self._creating(call, report))
        kept: concurrent.futures.Future[StoredCall] = concurrent.futures.Future()

        def settle(done: concurrent.futures.Future[StoredCall]) -> None:
            if not kept.set_running_or_notify_cancel():
                return  # its waiter gave up; the call is kept all the same
            try:
                kept.set_result(self._refused_twice(call, done.result))
            except Exception as error:
                kept.set_exception(error)

        made.add_done_callback(settle)
        return kept

    def _refused_twice(self, call: StoredCall, made: Callable[[], StoredCall]) -> StoredCall:
        """What ``made`` returns; a call id kept already is refused by name."""
        try:
            return made()
        except sqlite3.IntegrityError as error:
            raise StoreError(self.where, f"call {call.id!r} not kept: {error}") from None

    def _creating(
        self, call: StoredCall, report: ReportChange | None
    ) -> Callable[[sqlite3.Connection], StoredCall]:
        """The writer's job of :meth:`create`, once its text is found storable."""
        check_storable(self.where, call)

        def insert(db: sqlite3.Connection) -> StoredCall:
            cursor = db.execute(
                "INSERT INTO calls (id, sop, version, agent, created, updated, revision, step,"
                " path, outcome) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    call.id,
                    call.sop,
                    call.version,
                    call.agent,
                    time_text(call.created),
                    time_text(call.updated),
                    call.revision,
                    call.state.step,
                    path_json(call.state.path),
                    call.state.outcome,
                ),
            )
            seq = cursor.lastrowid
            assert seq is not None
            _insert_answers(db, seq, 0, call.log)
            status = _enqueue(db, seq, report, call.updated) if report is not None else None
            return attrs.evolve(call, seq=seq, report=status)

        return insert

    def append(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> StoredCall:
        return self._write(self._appending(call, answers, state, updated, report))

    def append_soon(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None = None,
    ) -> concurrent.futures.Future[StoredCall]:
        return self._submit(self._appending(call, answers, state, updated, report))

    def _appending(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
        report: ReportChange | None,
    ) -> Callable[[sqlite3.Connection], StoredCall]:
        """The writer's job of :meth:`append`, once its text is found storable."""
        check_storable(self.where, call, answers, with_log=False)
        call_id, revision = call.id, call.revision

        def apply(db: sqlite3.Connection) -> StoredCall:
            # The row moves on only if the call is still at ``revision``: one statement
            # checks and writes, and a second is read only to say why it did not move.
            moved = db.execute(
                "UPDATE calls SET revision = ?, step = ?, path = ?, outcome = ?, updated = ?"
                " WHERE id = ? AND revision = ? RETURNING seq",
                (
                    revision + len(answers),
                    state.step,
                    path_json(state.path),
                    state.outcome,
                    time_text(updated),
                    call_id,
                    revision,
                ),
            ).fetchall()
            if not moved:
                row = db.execute("SELECT revision FROM calls WHERE id = ?", (call_id,)).fetchone()
                if row is None:
                    raise UnknownCall(call_id)
                raise StaleRevision(call_id, revision, row[0])
            seq = moved[0][0]
            _insert_answers(db, seq, revision, answers)
            kept = attrs.evolve(call, log=call.log + tuple(answers), state=state, updated=updated)
            if report is None:
                return kept
            return attrs.evolve(kept, report=_enqueue(db, seq, report, updated))

        return apply

    # -- the outbox --------------------------------------------------------------------

    def claim(self, now: dt.datetime, lease: dt.timedelta, limit: int) -> list[Delivery]:
        def take(db: sqlite3.Connection) -> list[Delivery]:
            rows = db.execute(
                f"SELECT r.seq FROM reports r WHERE {_DUE} ORDER BY r.next_at, r.seq LIMIT ?",
                (time_text(now), time_text(now), int(limit)),
            ).fetchall()
            seqs = [row["seq"] for row in rows]
            if not seqs:
                return []
            marks = ",".join("?" * len(seqs))
            db.execute(
                f"UPDATE reports SET claims = claims + 1, leased_until = ? WHERE seq IN ({marks})",
                (time_text(now + lease), *seqs),
            )
            found = db.execute(
                f"{_DELIVERIES} WHERE r.seq IN ({marks}) ORDER BY r.next_at, r.seq", seqs
            ).fetchall()
            return [delivery(row) for row in found]

        return self._write(take)

    def settle(self, delivery: Delivery, result: Settlement) -> bool:
        def apply(db: sqlite3.Connection) -> bool:
            cursor = db.execute(
                "UPDATE reports SET state = ?, attempts = ?, next_at = coalesce(?, next_at),"
                " leased_until = NULL, delivered_at = ?, last_status = ?, last_error = ?"
                " WHERE seq = ? AND claims = ? AND state = 'pending'",
                (
                    result.state,
                    result.attempts,
                    None if result.next_at is None else time_text(result.next_at),
                    time_text(result.at) if result.state == "delivered" else None,
                    result.status,
                    result.error,
                    delivery.id,
                    delivery.claims,
                ),
            )
            return cursor.rowcount == 1

        return bool(self._write(apply))

    def deliveries(
        self, state: str | None = None, before: int | None = None, limit: int = 100
    ) -> list[Delivery]:
        clause, params = _deliveries_filter(state, before)
        rows = (
            self._reader()
            .execute(f"{_DELIVERIES} {clause} ORDER BY r.seq DESC LIMIT {int(limit)}", params)
            .fetchall()
        )
        return [delivery(row) for row in rows]

    def delivery(self, delivery_id: int) -> Delivery:
        row = self._reader().execute(f"{_DELIVERIES} WHERE r.seq = ?", (delivery_id,)).fetchone()
        if row is None:
            raise UnknownDelivery(delivery_id)
        return delivery(row)

    def retry(self, delivery_id: int, now: dt.datetime) -> Delivery:
        def apply(db: sqlite3.Connection) -> None:
            row = db.execute(
                "SELECT seq, report_id, revision, state, purged_at FROM reports WHERE seq = ?",
                (delivery_id,),
            ).fetchone()
            if row is None:
                raise UnknownDelivery(delivery_id)
            if row["state"] == "delivered":
                raise AlreadyDelivered(delivery_id, row["report_id"], row["revision"])
            if row["purged_at"] is not None:
                raise ReportPurged(delivery_id, row["report_id"], row["revision"])
            db.execute(
                "UPDATE reports SET state = 'pending', attempts = 0, next_at = ? WHERE seq = ?",
                (time_text(now), delivery_id),
            )

        self._write(apply)
        return self.delivery(delivery_id)

    def _open_read_only(self) -> None:
        try:
            self._check_schema()
        except UnknownSchemaVersion:
            raise  # read as it is: the immutable fallback would hide its write-ahead log
        except StoreError:
            if not self._path.is_file():
                raise
            # A WAL store in a folder this process cannot write has no -shm file to share:
            # nobody can be writing it either, so it is read as the unchanging file it is.
            self._immutable = True
            self._local = threading.local()
            self._check_schema()

    def _check_schema(self) -> None:
        try:
            rows = self._reader().execute(f"SELECT version, name FROM {migrate.TABLE}").fetchall()
        except sqlite3.Error as error:
            raise StoreError(self.where, f"cannot be read: {error}") from None
        applied = [(int(version), str(name)) for version, name in rows]
        missing = migrate.pending("sqlite", applied, self.where)
        if missing:
            raise StoreError(
                self.where,
                f"lacks migration {missing[0].label}, which a read-only store cannot be given",
            )

    def record_read(self, read: PersonalRead) -> None:
        def insert(db: sqlite3.Connection) -> None:
            db.execute(
                "INSERT INTO personal_reads (agent, role, call_id, at) VALUES (?, ?, ?, ?)",
                (read.agent, read.role, read.call_id, time_text(read.at)),
            )

        self._write(insert)

    def reads(
        self, call_id: str | None = None, limit: int = 100, agent: str | None = None
    ) -> list[PersonalRead]:
        where, params = _reads_filter(call_id, agent, "?")
        rows = (
            self._reader()
            .execute(
                f"SELECT agent, role, call_id, at FROM personal_reads {where}"
                f" ORDER BY seq DESC LIMIT {int(limit)}",
                params,
            )
            .fetchall()
        )
        return [
            PersonalRead(r["agent"], r["role"], r["call_id"], parse_time(r["at"])) for r in rows
        ]

    def redact(
        self,
        call: StoredCall,
        values: Mapping[int, Value],
        at: dt.datetime,
        *,
        entries: Mapping[int, Mapping[str, Any]] | None = None,
        reports: Mapping[int, Mapping[str, Any]] | None = None,
    ) -> None:
        def apply(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT seq FROM calls WHERE id = ?", (call.id,)).fetchone()
            if row is None:
                raise UnknownCall(call.id)
            seq, when = row["seq"], time_text(at)
            for revision, value in values.items():
                db.execute(
                    "INSERT OR REPLACE INTO redactions (call_seq, revision, at) VALUES (?, ?, ?)",
                    (seq, revision, when),
                )
                db.execute(
                    "UPDATE answers SET value = ? WHERE call_seq = ? AND revision = ?",
                    (value_json(value), seq, revision),
                )
            for revision, body in (entries or {}).items():
                db.execute(
                    "INSERT OR REPLACE INTO entry_redactions (call_seq, revision, at)"
                    " VALUES (?, ?, ?)",
                    (seq, revision, when),
                )
                db.execute(
                    "UPDATE record_entries SET body = ? WHERE call_seq = ? AND revision = ?",
                    (json.dumps(dict(body), ensure_ascii=False), seq, revision),
                )
            for delivery_id, document in (reports or {}).items():
                db.execute(
                    "UPDATE reports SET body = ?, purged_at = ? WHERE seq = ? AND call_seq = ?",
                    (json.dumps(dict(document), ensure_ascii=False, sort_keys=True), when,
                     delivery_id, seq),
                )  # fmt: skip

        try:
            self._write(apply)
        except sqlite3.IntegrityError as error:
            raise StoreError(self.where, f"not purged: {error}") from None

    def _write(self, job: Callable[[sqlite3.Connection], T]) -> T:
        return self._submit(job).result()

    def _submit(self, job: Callable[[sqlite3.Connection], T]) -> concurrent.futures.Future[T]:
        """``job`` queued for the writer thread, which commits it with the jobs waiting
        beside it; its future holds what it returns or raises, once committed."""
        if self._read_only:
            raise StoreError(self.where, "opened read-only")
        if self._closed:
            raise StoreError(self.where, "closed")
        done: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((job, done))
        return done

    def _write_loop(self, opened: concurrent.futures.Future[None]) -> None:
        try:
            db = self._connect()
        except BaseException as error:
            opened.set_exception(error)
            return
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA synchronous = FULL")
            self._migrate(db)
        except sqlite3.Error as error:
            db.close()
            self._closed = True
            opened.set_exception(_unwritable(self.where, self._path, error))
            return
        except BaseException as error:
            db.close()
            self._closed = True
            opened.set_exception(error)
            return
        opened.set_result(None)
        self._turns = _turns(self._path)
        try:
            for batch in batches(self._jobs, MAX_BATCH, lambda job: job[1]):
                self._commit(db, batch)
        finally:
            if self._turns is not None:
                os.close(self._turns)
            db.close()

    @contextlib.contextmanager
    def _turn(self) -> Iterator[None]:
        """This writer's turn among the writers of every process on the file. The wait is
        the kernel's, with no limit of its own: a writer holds the turn only while it
        commits, and a process stopped in the middle of a commit (a debugger, SIGSTOP)
        holds SQLite's lock on the file as well, so no one could write meanwhile."""
        turns = self._turns
        if turns is not None:
            try:
                fcntl.flock(turns, fcntl.LOCK_EX)  # the GIL let go while it waits
            except OSError:  # a file system without locks: SQLite's locking alone from now
                self._turns = None
                os.close(turns)
                turns = None
        try:
            yield
        finally:
            if turns is not None:
                fcntl.flock(turns, fcntl.LOCK_UN)

    def _commit(self, db: sqlite3.Connection, batch: list[Job]) -> None:
        """Run ``batch`` in one transaction. Each job alone, as a rule: a job that raises
        rolls the batch back, and the batch runs again with each job in a savepoint of
        its own, so that the refused one rolls back alone (two statements more per job,
        paid only when one is refused)."""
        with self._turn():
            try:
                db.execute("BEGIN IMMEDIATE")
                results = [job(db) for job, _ in batch]
                db.execute("COMMIT")
            except Exception:  # one refused, or the commit failed: try each job apart
                if db.in_transaction:
                    db.execute("ROLLBACK")
                results = None
        if results is None:
            self._commit_apart(db, batch)
            return
        for result, (_, done) in zip(results, batch, strict=True):
            done.set_result(result)

    def _commit_apart(self, db: sqlite3.Connection, batch: list[Job]) -> None:
        """Run ``batch`` in one transaction, each job in a savepoint of its own."""
        results: list[tuple[bool, Any]] = []
        with self._turn():
            try:
                db.execute("BEGIN IMMEDIATE")
                for job, _ in batch:
                    db.execute("SAVEPOINT job")
                    try:
                        results.append((True, job(db)))
                        db.execute("RELEASE job")
                    except Exception as error:
                        if not db.in_transaction:  # SQLite undid it all (a full disk): say why
                            raise
                        db.execute("ROLLBACK TO job")
                        db.execute("RELEASE job")
                        if isinstance(error, sqlite3.OperationalError):
                            error = StoreError(self.where, f"write failed: {error}")
                        results.append((False, error))
                db.execute("COMMIT")
            except Exception as error:  # the commit itself failed: nothing of it is kept
                if db.in_transaction:
                    db.execute("ROLLBACK")
                for _, done in batch:
                    done.set_exception(StoreError(self.where, f"write failed: {error}"))
                return
        for (ok, result), (_, done) in zip(results, batch, strict=True):
            if ok:
                done.set_result(result)
            else:
                done.set_exception(result)

    def _migrate(self, db: sqlite3.Connection) -> None:
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute(
                f"CREATE TABLE IF NOT EXISTS {migrate.TABLE} (version INTEGER PRIMARY KEY,"
                " name TEXT NOT NULL, applied TEXT NOT NULL)"
            )
            rows = db.execute(f"SELECT version, name FROM {migrate.TABLE}").fetchall()
            applied = [(int(version), str(name)) for version, name in rows]
            for migration in migrate.pending("sqlite", applied, self.where):
                for statement in migrate.statements(migration.sql):
                    db.execute(statement)
                db.execute(
                    f"INSERT INTO {migrate.TABLE} (version, name, applied) VALUES (?, ?, ?)",
                    (migration.version, migration.name, time_text(dt.datetime.now(dt.UTC))),
                )
            db.execute("COMMIT")
        except BaseException:
            db.execute("ROLLBACK")
            raise

    # -- reads -------------------------------------------------------------------------

    def _read(self, where: str, params: list[Any], order: str) -> list[StoredCall]:
        db = self._reader()
        db.execute("BEGIN")  # one snapshot for the calls and their answers
        try:
            rows = db.execute(f"SELECT * FROM calls {where} {order}", params).fetchall()
            if not rows:
                return []
            seqs = [r["seq"] for r in rows]
            marks = ",".join("?" * len(seqs))
            answers = db.execute(
                f"SELECT * FROM answers WHERE call_seq IN ({marks}) ORDER BY call_seq, revision",
                seqs,
            ).fetchall()
            entries = db.execute(
                f"SELECT * FROM record_entries WHERE call_seq IN ({marks})"
                " ORDER BY call_seq, revision",
                seqs,
            ).fetchall()
            reports = db.execute(
                "SELECT call_seq, report_id, revision, kind, state FROM reports"
                f" WHERE call_seq IN ({marks}) ORDER BY call_seq, revision",
                seqs,
            ).fetchall()
        finally:
            db.execute("COMMIT")
        return assemble(rows, answers, json_text=True, entries=entries, reports=reports)

    def _reader(self) -> sqlite3.Connection:
        if self._closed:
            raise StoreError(self.where, "closed")
        db: sqlite3.Connection | None = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
            db.execute("PRAGMA query_only = ON")
            with self._readers_lock:
                self._readers.append(db)
        return db

    def _connect(self) -> sqlite3.Connection:
        try:
            if self._read_only:
                flags = "immutable=1" if self._immutable else "mode=ro"
                uri = f"{self._path.resolve().as_uri()}?{flags}"
                db = sqlite3.connect(uri, uri=True, isolation_level=None, check_same_thread=False)
            else:
                db = sqlite3.connect(self._path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as error:
            raise StoreError(self.where, f"cannot open: {error}") from None
        db.row_factory = sqlite3.Row
        db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        db.execute("PRAGMA foreign_keys = ON")
        return db

    # -- practice results --------------------------------------------------------------

    def add_practice_result(self, result: PracticeResult) -> PracticeResult:
        def insert(db: sqlite3.Connection) -> int:
            cursor = db.execute(
                "INSERT INTO practice_results (agent, cohort, scenario, seed, at, scores)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (
                    result.agent,
                    result.cohort,
                    result.scenario,
                    result.seed,
                    time_text(result.at),
                    scores_json(result.scores),
                ),
            )
            assert cursor.lastrowid is not None
            return cursor.lastrowid

        return attrs.evolve(result, seq=self._write(insert))

    def practice_results(self, cohort: str | None = None) -> list[PracticeResult]:
        where, params = ("WHERE cohort = ?", [cohort]) if cohort is not None else ("", [])
        rows = (
            self._reader()
            .execute(f"SELECT * FROM practice_results {where} ORDER BY seq", params)
            .fetchall()
        )
        return [practice_result(row) for row in rows]

    # -- health ------------------------------------------------------------------------

    def check(self) -> None:
        try:
            self._reader().execute(f"SELECT count(*) FROM {migrate.TABLE}").fetchone()
        except sqlite3.Error as error:
            raise StoreError(self.where, f"not answering: {error}") from None

    def durability(self) -> dict[str, str]:
        def read(db: sqlite3.Connection) -> dict[str, str]:
            level = db.execute("PRAGMA synchronous").fetchone()[0]
            mode = db.execute("PRAGMA journal_mode").fetchone()[0]
            return {"journal_mode": str(mode), "synchronous": _SYNCHRONOUS.get(level, str(level))}

        return self._write(read)

    def close(self) -> None:
        if self._closed:
            return
        self._closed = True
        if not self._read_only:
            self._jobs.put(None)
            # Bounded, as SQLite's own wait for a busy file is: a writer left waiting for
            # its turn behind a stopped process is a daemon thread, which ends with ours.
            self._writer.join(BUSY_TIMEOUT_MS / 1000)
        with self._readers_lock:
            for db in self._readers:
                db.close()
            self._readers.clear()


def _unwritable(where: str, path: Path, error: sqlite3.Error) -> StoreError:
    folder = path.resolve().parent
    read_only = not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))
    if read_only or "readonly" in str(error):
        return StoreError(
            where,
            "is read-only (the file or its folder cannot be written); serve needs a store "
            "it can write, check-calls --store reads a read-only one",
        )
    return StoreError(where, f"cannot be opened for writing: {error}")


def _insert_answers(db: sqlite3.Connection, seq: int, revision: int, log: Sequence[Logged]) -> None:
    answers, entries = numbered(revision, log)
    if answers:
        db.executemany(
            "INSERT INTO answers (call_seq, revision, question, value, agent, at, answered_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [
                (seq, n, a.question, value_json(a.value), a.agent, time_text(a.at), a.by)
                for n, a in answers
            ],
        )
    if entries:
        db.executemany(
            "INSERT INTO record_entries (call_seq, revision, kind, body, agent, at, entered_by)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(seq, n, e.kind, body_json(e), e.agent, time_text(e.at), e.by) for n, e in entries],
        )


# Due: pending, its time come, no lease held, and no earlier revision of its report pending.
_DUE = (
    "r.state = 'pending' AND r.next_at <= ? AND (r.leased_until IS NULL OR r.leased_until <= ?)"
    " AND NOT EXISTS (SELECT 1 FROM reports e WHERE e.report_id = r.report_id"
    " AND e.revision < r.revision AND e.state = 'pending')"
)
_DELIVERIES = "SELECT r.*, c.id AS call_id FROM reports r JOIN calls c ON c.seq = r.call_seq"


def _deliveries_filter(state: str | None, before: int | None) -> tuple[str, list[Any]]:
    clause: list[str] = []
    params: list[Any] = []
    if state is not None:
        clause.append("r.state = ?")
        params.append(state)
    if before is not None:
        clause.append("r.seq < ?")
        params.append(before)
    return ("WHERE " + " AND ".join(clause)) if clause else "", params


def _enqueue(
    db: sqlite3.Connection, call_seq: int, report: ReportChange, at: dt.datetime
) -> ReportStatus:
    """The next revision of ``report`` into the outbox, in the caller's transaction."""
    row = db.execute(
        "SELECT coalesce(max(revision), 0) + 1 FROM reports WHERE report_id = ?",
        (report.report_id,),
    ).fetchone()
    revision = int(row[0])
    db.execute(
        "INSERT INTO reports (report_id, revision, call_seq, kind, body, created, next_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        (report.report_id, revision, call_seq, report.kind, report_json(report),
         time_text(at), time_text(at)),
    )  # fmt: skip
    return ReportStatus(report.report_id, revision, report.kind, "pending")


def _reads_filter(
    call_id: str | None, agent: str | None, placeholder: str
) -> tuple[str, list[str]]:
    clause = [f"{column} = {placeholder}" for column, value in
              (("call_id", call_id), ("agent", agent)) if value is not None]  # fmt: skip
    params = [value for value in (call_id, agent) if value is not None]
    return ("WHERE " + " AND ".join(clause)) if clause else "", params
