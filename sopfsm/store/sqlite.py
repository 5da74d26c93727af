"""The call store in one SQLite file: the default, for one server.

Durable: WAL journal with ``synchronous=FULL``, so a commit is on disk before the
service answers. Every write goes through one writer thread, which takes the database
with ``BEGIN IMMEDIATE`` (so several processes on one file also queue) and commits the
writes waiting in its queue together, each in its own savepoint: one fsync covers many
answers, and a refused write rolls back alone. Reads use a connection per thread, each
read one snapshot.
"""

from __future__ import annotations

import concurrent.futures
import datetime as dt
import queue
import sqlite3
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from sopfsm.errors import StaleRevision, StoreError, UnknownCall
from sopfsm.store import migrate
from sopfsm.store._codec import (
    assemble,
    body_json,
    numbered,
    path_json,
    practice_result,
    scores_json,
    time_text,
    value_json,
)
from sopfsm.store._sql import SqlReads
from sopfsm.store.base import (
    CallState,
    Logged,
    PracticeResult,
    StoredCall,
)

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

    def __init__(self, path: str | Path) -> None:
        self._path = Path(path)
        self._jobs: queue.Queue[Job | None] = queue.Queue()
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._closed = False
        opened: concurrent.futures.Future[None] = concurrent.futures.Future()
        self._writer = threading.Thread(
            target=self._write_loop, args=(opened,), name="sopfsm-sqlite-writer", daemon=True
        )
        self._writer.start()
        opened.result()  # the file opened and migrated, or the reason it did not

    @property
    def where(self) -> str:
        return f"sqlite:///{self._path.resolve()}"

    # -- writes ------------------------------------------------------------------------

    def create(self, call: StoredCall) -> StoredCall:
        def insert(db: sqlite3.Connection) -> int:
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
            return seq

        try:
            self._write(insert)
        except sqlite3.IntegrityError as error:
            raise StoreError(self.where, f"call {call.id!r} not kept: {error}") from None
        return self.get(call.id)

    def append(
        self,
        call: StoredCall,
        answers: Sequence[Logged],
        state: CallState,
        updated: dt.datetime,
    ) -> StoredCall:
        call_id, revision = call.id, call.revision

        def apply(db: sqlite3.Connection) -> None:
            row = db.execute("SELECT seq, revision FROM calls WHERE id = ?", (call_id,)).fetchone()
            if row is None:
                raise UnknownCall(call_id)
            seq, current = row
            if current != revision:
                raise StaleRevision(call_id, revision, current)
            db.execute(
                "UPDATE calls SET revision = ?, step = ?, path = ?, outcome = ?, updated = ?"
                " WHERE seq = ?",
                (
                    revision + len(answers),
                    state.step,
                    path_json(state.path),
                    state.outcome,
                    time_text(updated),
                    seq,
                ),
            )
            _insert_answers(db, seq, revision, answers)

        self._write(apply)
        return attrs.evolve(call, log=call.log + tuple(answers), state=state, updated=updated)

    def _write(self, job: Callable[[sqlite3.Connection], T]) -> T:
        if self._closed:
            raise StoreError(self.where, "closed")
        done: concurrent.futures.Future[T] = concurrent.futures.Future()
        self._jobs.put((job, done))
        return done.result()

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
        except BaseException as error:
            db.close()
            self._closed = True
            opened.set_exception(error)
            return
        opened.set_result(None)
        while (first := self._jobs.get()) is not None:
            batch = [first]
            while len(batch) < MAX_BATCH:
                try:
                    job = self._jobs.get_nowait()
                except queue.Empty:
                    break
                if job is None:
                    self._jobs.put(None)  # finish this batch, then stop
                    break
                batch.append(job)
            self._commit(db, batch)
        db.close()

    def _commit(self, db: sqlite3.Connection, batch: list[Job]) -> None:
        """Run ``batch`` in one transaction, each job in a savepoint of its own."""
        results: list[tuple[bool, Any]] = []
        try:
            db.execute("BEGIN IMMEDIATE")
            for job, _ in batch:
                db.execute("SAVEPOINT job")
                try:
                    results.append((True, job(db)))
                    db.execute("RELEASE job")
                except Exception as error:
                    db.execute("ROLLBACK TO job")
                    db.execute("RELEASE job")
                    results.append((False, error))
            db.execute("COMMIT")
        except Exception as error:  # the commit itself failed: nothing of the batch is kept
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
        finally:
            db.execute("COMMIT")
        return assemble(rows, answers, json_text=True, entries=entries)

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
        self._jobs.put(None)
        self._writer.join()
        with self._readers_lock:
            for db in self._readers:
                db.close()
            self._readers.clear()


def _insert_answers(db: sqlite3.Connection, seq: int, revision: int, log: Sequence[Logged]) -> None:
    answers, entries = numbered(revision, log)
    db.executemany(
        "INSERT INTO answers (call_seq, revision, question, value, agent, at, answered_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [
            (seq, n, a.question, value_json(a.value), a.agent, time_text(a.at), a.by)
            for n, a in answers
        ],
    )
    db.executemany(
        "INSERT INTO record_entries (call_seq, revision, kind, body, agent, at, entered_by)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        [(seq, n, e.kind, body_json(e), e.agent, time_text(e.at), e.by) for n, e in entries],
    )
