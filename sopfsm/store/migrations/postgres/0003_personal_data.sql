-- Personal data (UU 27/2022): who read a call's full record, and which answers were
-- purged of personal data.
CREATE TABLE personal_reads (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent TEXT NOT NULL,
    role TEXT NOT NULL,
    call_id TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL
);
CREATE INDEX personal_reads_by_call ON personal_reads (call_id, seq);
CREATE TABLE redactions (
    call_seq BIGINT NOT NULL,
    revision INTEGER NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (call_seq, revision),
    FOREIGN KEY (call_seq, revision) REFERENCES answers (call_seq, revision)
);
-- The log stays append-only, but for one change: an answer's value may be replaced once
-- its redaction is recorded (purging personal data). Nothing else of an answer changes.
CREATE OR REPLACE FUNCTION answers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND (NEW.call_seq, NEW.revision, NEW.question, NEW.agent, NEW.at, NEW.answered_by)
            IS NOT DISTINCT FROM
            (OLD.call_seq, OLD.revision, OLD.question, OLD.agent, OLD.at, OLD.answered_by)
        AND EXISTS (
            SELECT 1 FROM redactions WHERE call_seq = OLD.call_seq AND revision = OLD.revision
        )
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'answers are append-only';
END;
$$;
