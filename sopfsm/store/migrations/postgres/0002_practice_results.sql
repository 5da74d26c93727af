-- Finished practice runs, for the trainer's view of a cohort by clause. ``scores`` is
-- JSON text: [[clause, right, total], ...]. A result is kept as sent, never rewritten.
CREATE TABLE practice_results (
    seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent TEXT NOT NULL,
    cohort TEXT NOT NULL,
    scenario TEXT NOT NULL,
    seed BIGINT NOT NULL,
    at TIMESTAMPTZ NOT NULL,
    scores TEXT NOT NULL
);
CREATE INDEX practice_results_by_cohort ON practice_results (cohort, seq);
