-- The rest of a call's record besides its answers: corrections, changes of the
-- customer's details and the wrap-up, one row each. A call's revisions count answers and
-- entries alike, and the calls row's revision check (compare and set) keeps (call,
-- revision) unique across both tables; ``body`` is the entry as a saved call writes it.
CREATE TABLE record_entries (
    call_seq INTEGER NOT NULL REFERENCES calls (seq),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('correction', 'details', 'abandon', 'close')),
    body TEXT NOT NULL,
    agent TEXT NOT NULL,
    at TEXT NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (call_seq, revision)
) WITHOUT ROWID;
-- Append-only, as answers are: a correction is a new entry, never a rewrite of one.
CREATE TRIGGER record_entries_never_updated BEFORE UPDATE ON record_entries
BEGIN
    SELECT RAISE(ABORT, 'record entries are append-only');
END;
CREATE TRIGGER record_entries_never_deleted BEFORE DELETE ON record_entries
BEGIN
    SELECT RAISE(ABORT, 'record entries are append-only');
END;
