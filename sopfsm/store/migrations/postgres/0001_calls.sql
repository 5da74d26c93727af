-- Calls and their answer logs. Values and paths are JSON text, not JSONB, which would
-- read a float such as 1e+16 back as an integer: an answer comes back as it was given.
CREATE TABLE calls (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    id TEXT NOT NULL UNIQUE,
    sop TEXT NOT NULL,
    version TEXT NOT NULL,
    agent TEXT NOT NULL,
    created TIMESTAMPTZ NOT NULL,
    updated TIMESTAMPTZ NOT NULL,
    revision INTEGER NOT NULL CHECK (revision >= 0),
    step TEXT NOT NULL,
    path TEXT NOT NULL,
    outcome TEXT
);
CREATE INDEX calls_by_created ON calls (created);
CREATE INDEX calls_by_sop ON calls (sop, seq);
CREATE INDEX calls_by_agent ON calls (agent, seq);
CREATE INDEX calls_by_outcome ON calls (outcome, seq);
-- One row per answer; (call, revision) is unique, so an answer can be applied only once,
-- whichever server sends it.
CREATE TABLE answers (
    call_seq BIGINT NOT NULL REFERENCES calls (seq),
    revision INTEGER NOT NULL CHECK (revision >= 1),
    question TEXT NOT NULL,
    value TEXT NOT NULL,
    agent TEXT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    answered_by TEXT NOT NULL,
    PRIMARY KEY (call_seq, revision)
);
-- The log is append-only: the store refuses to rewrite or drop an answer.
CREATE FUNCTION answers_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'answers are append-only';
END;
$$;
CREATE TRIGGER answers_never_changed BEFORE UPDATE OR DELETE ON answers
    FOR EACH ROW EXECUTE FUNCTION answers_append_only();
