-- The rest of a call's record besides its answers: corrections, changes of the
-- customer's details and the wrap-up, one row each. A call's revisions count answers and
-- entries alike; ``body`` is the entry as a saved call writes it, as JSON text (not
-- JSONB, which would rewrite numbers).
CREATE TABLE record_entries (
    call_seq BIGINT NOT NULL REFERENCES calls (seq),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    kind TEXT NOT NULL CHECK (kind IN ('correction', 'details', 'abandon', 'close')),
    body TEXT NOT NULL,
    agent TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    entered_by TEXT NOT NULL,
    PRIMARY KEY (call_seq, revision)
);
-- Append-only, as answers are: a correction is a new entry, never a rewrite of one.
CREATE FUNCTION record_entries_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'record entries are append-only';
END;
$$;
CREATE TRIGGER record_entries_never_changed BEFORE UPDATE OR DELETE ON record_entries
    FOR EACH ROW EXECUTE FUNCTION record_entries_append_only();
