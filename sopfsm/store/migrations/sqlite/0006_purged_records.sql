-- Purging personal data reaches the whole record of a call: the body of a record entry
-- (a change of the customer's details, a correction, a wrap-up note) may be replaced once
-- its purge is recorded, and so may the document of an APKT report revision that is no
-- longer waiting to be sent (delivered or dead), which then says when it was purged.
-- Nothing else of an entry or a report revision changes.
CREATE TABLE entry_redactions (
    call_seq INTEGER NOT NULL,
    revision INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (call_seq, revision),
    FOREIGN KEY (call_seq, revision) REFERENCES record_entries (call_seq, revision)
) WITHOUT ROWID;
DROP TRIGGER record_entries_never_updated;
CREATE TRIGGER record_entries_never_rewritten BEFORE UPDATE OF call_seq, revision, kind,
    agent, at, entered_by ON record_entries
BEGIN
    SELECT RAISE(ABORT, 'record entries are append-only');
END;
CREATE TRIGGER record_entries_purged_only BEFORE UPDATE OF body ON record_entries
WHEN NOT EXISTS (
    SELECT 1 FROM entry_redactions WHERE call_seq = OLD.call_seq AND revision = OLD.revision
)
BEGIN
    SELECT RAISE(ABORT, 'record entries are append-only');
END;
ALTER TABLE reports ADD COLUMN purged_at TEXT;
DROP TRIGGER reports_document_kept;
CREATE TRIGGER reports_document_kept BEFORE UPDATE OF report_id, revision, call_seq, kind,
    created ON reports
BEGIN
    SELECT RAISE(ABORT, 'a report revision is never rewritten');
END;
CREATE TRIGGER reports_purged_only BEFORE UPDATE OF body ON reports
WHEN NEW.purged_at IS NULL OR OLD.state = 'pending' OR NEW.state = 'pending'
BEGIN
    SELECT RAISE(ABORT, 'a report revision is never rewritten');
END;
-- A purged revision is never sent again: its document no longer says what the call did.
CREATE TRIGGER reports_purged_never_resent BEFORE UPDATE OF state ON reports
WHEN OLD.purged_at IS NOT NULL AND NEW.state = 'pending'
BEGIN
    SELECT RAISE(ABORT, 'a purged report revision is never sent again');
END;
