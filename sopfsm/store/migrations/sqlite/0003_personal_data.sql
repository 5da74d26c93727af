-- Personal data (UU 27/2022): who read a call's full record, and which answers were
-- purged of personal data.
CREATE TABLE personal_reads (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    agent TEXT NOT NULL,
    role TEXT NOT NULL,
    call_id TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX personal_reads_by_call ON personal_reads (call_id, seq);
CREATE TABLE redactions (
    call_seq INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (call_seq, revision),
    FOREIGN KEY (call_seq, revision) REFERENCES answers (call_seq, revision)
) WITHOUT ROWID;
-- The log stays append-only, but for one change: an answer's value may be replaced once
-- its redaction is recorded (purging personal data). Nothing else of an answer changes.
DROP TRIGGER answers_never_updated;
CREATE TRIGGER answers_never_rewritten BEFORE UPDATE OF call_seq, revision, question, agent,
    at, answered_by ON answers
BEGIN
    SELECT RAISE(ABORT, 'answers are append-only');
END;
CREATE TRIGGER answers_redacted_only BEFORE UPDATE OF value ON answers
WHEN NOT EXISTS (
    SELECT 1 FROM redactions WHERE call_seq = OLD.call_seq AND revision = OLD.revision
)
BEGIN
    SELECT RAISE(ABORT, 'answers are append-only');
END;
