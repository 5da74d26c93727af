-- The APKT outbox: each revision of a call's report (or its withdrawal), written in the
-- same transaction as the change of the call that made it, and how its delivery goes.
-- ``seq`` is the delivery's id; (report_id, revision) is unique, so a revision is made
-- once; ``claims`` counts the deliverers that took it, and only the latest may settle it.
-- Deliverers take due rows with FOR UPDATE SKIP LOCKED and a lease (``leased_until``).
CREATE TABLE reports (
    seq BIGSERIAL PRIMARY KEY,
    report_id TEXT NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 1),
    call_seq BIGINT NOT NULL REFERENCES calls (seq),
    kind TEXT NOT NULL CHECK (kind IN ('report', 'withdrawal')),
    body TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    state TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'dead')),
    attempts INTEGER NOT NULL DEFAULT 0,
    claims INTEGER NOT NULL DEFAULT 0,
    next_at TIMESTAMPTZ NOT NULL,
    leased_until TIMESTAMPTZ,
    delivered_at TIMESTAMPTZ,
    last_status INTEGER,
    last_error TEXT,
    UNIQUE (report_id, revision)
);
CREATE INDEX reports_due ON reports (state, next_at);
CREATE INDEX reports_by_call ON reports (call_seq, revision);
-- A revision's document never changes once written; only its delivery does.
CREATE FUNCTION reports_document_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'a report revision is never deleted';
    END IF;
    IF NEW.report_id IS DISTINCT FROM OLD.report_id OR NEW.revision IS DISTINCT FROM OLD.revision
        OR NEW.call_seq IS DISTINCT FROM OLD.call_seq OR NEW.kind IS DISTINCT FROM OLD.kind
        OR NEW.body IS DISTINCT FROM OLD.body OR NEW.created IS DISTINCT FROM OLD.created THEN
        RAISE EXCEPTION 'a report revision is never rewritten';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER reports_document_kept BEFORE UPDATE OR DELETE ON reports
    FOR EACH ROW EXECUTE FUNCTION reports_document_kept();
