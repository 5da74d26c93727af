-- Calls and their answer logs. Times are UTC ISO 8601 text of one fixed width, so that
-- text order is time order; values are JSON text.
CREATE TABLE calls (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    sop TEXT NOT NULL,
    version TEXT NOT NULL,
    agent TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 0),
    step TEXT NOT NULL,
    path TEXT NOT NULL,
    outcome TEXT
);
CREATE INDEX calls_by_created ON calls (created);
CREATE INDEX calls_by_sop ON calls (sop, seq);
CREATE INDEX calls_by_agent ON calls (agent, seq);
CREATE INDEX calls_by_outcome ON calls (outcome, seq);
-- One row per answer; (call, revision) is unique, so an answer can be applied only once.
CREATE TABLE answers (
    call_seq INTEGER NOT NULL REFERENCES calls (seq),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    question TEXT NOT NULL,
    value TEXT NOT NULL,
    agent TEXT NOT NULL,
    at TEXT NOT NULL,
    answered_by TEXT NOT NULL,
    PRIMARY KEY (call_seq, revision)
) WITHOUT ROWID;
-- The log is append-only: the store refuses to rewrite or drop an answer.
CREATE TRIGGER answers_never_updated BEFORE UPDATE ON answers
BEGIN
    SELECT RAISE(ABORT, 'answers are append-only');
END;
CREATE TRIGGER answers_never_deleted BEFORE DELETE ON answers
BEGIN
    SELECT RAISE(ABORT, 'answers are append-only');
END;
