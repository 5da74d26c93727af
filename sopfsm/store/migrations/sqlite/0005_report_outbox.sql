-- The APKT outbox: each revision of a call's report (or its withdrawal), written in the
-- same transaction as the change of the call that made it, and how its delivery goes.
-- ``seq`` is the delivery's id; (report_id, revision) is unique, so a revision is made
-- once; ``claims`` counts the deliverers that took it, and only the latest may settle it.
CREATE TABLE reports (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    report_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    call_seq INTEGER NOT NULL REFERENCES calls (seq),
    kind TEXT NOT NULL CHECK (kind IN ('report', 'withdrawal')),
    body TEXT NOT NULL,
    created TEXT NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claims INTEGER NOT NULL DEFAULT 0,
    next_at TEXT NOT NULL,
    leased_until TEXT,
    delivered_at TEXT,
    last_status INTEGER,
    last_error TEXT,
    UNIQUE (report_id, revision)
);
CREATE INDEX reports_due ON reports (state, next_at);
CREATE INDEX reports_by_call ON reports (call_seq, revision);
-- A revision's document never changes once written; only its delivery does.
CREATE TRIGGER reports_document_kept BEFORE UPDATE OF report_id, revision, call_seq, kind,
    body, created ON reports
BEGIN
    SELECT RAISE(ABORT, 'a report revision is never rewritten');
END;
CREATE TRIGGER reports_never_deleted BEFORE DELETE ON reports
BEGIN
    SELECT RAISE(ABORT, 'a report revision is never deleted');
END;
