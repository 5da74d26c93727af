-- Purging personal data reaches the whole record of a call: the body of a record entry
-- (a change of the customer's details, a correction, a wrap-up note) may be replaced once
-- its purge is recorded, and so may the document of an APKT report revision that is no
-- longer waiting to be sent (delivered or dead), which then says when it was purged.
-- Nothing else of an entry or a report revision changes.
CREATE TABLE entry_redactions (
    call_seq BIGINT NOT NULL,
    revision INTEGER NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (call_seq, revision),
    FOREIGN KEY (call_seq, revision) REFERENCES record_entries (call_seq, revision)
);
CREATE OR REPLACE FUNCTION record_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.call_seq, NEW.revision, NEW.kind, NEW.agent, NEW.at, NEW.entered_by)
            IS NOT DISTINCT FROM
            (OLD.call_seq, OLD.revision, OLD.kind, OLD.agent, OLD.at, OLD.entered_by)
        AND EXISTS (
            SELECT 1 FROM entry_redactions
            WHERE call_seq = OLD.call_seq AND revision = OLD.revision
        )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'record entries are append-only';
END;
$$;
ALTER TABLE reports ADD COLUMN purged_at TIMESTAMPTZ;
CREATE OR REPLACE FUNCTION reports_document_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a report revision is never deleted';
    END IF;
    IF NEW.report_id IS DISTINCT FROM OLD.report_id OR NEW.revision IS DISTINCT FROM OLD.revision
        OR NEW.call_seq IS DISTINCT FROM OLD.call_seq OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.created IS DISTINCT FROM OLD.created THEN
        RAISE EXCEPTION 'a report revision is never rewritten';
    END IF;
    IF NEW.body IS DISTINCT FROM OLD.body
        AND (NEW.purged_at IS NULL OR OLD.state = 'pending' OR NEW.state = 'pending') THEN
        RAISE EXCEPTION 'a report revision is never rewritten';
    END IF;
    -- A purged revision is never sent again: its document no longer says what the call did.
    IF OLD.purged_at IS NOT NULL AND NEW.state = 'pending' AND OLD.state <> 'pending' THEN
        RAISE EXCEPTION 'a purged report revision is never sent again';
    END IF;
    RETURN NEW;
END;
$$;
