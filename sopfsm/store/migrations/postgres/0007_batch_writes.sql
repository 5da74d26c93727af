-- The writes of calls that the service commits together, in one call of one function:
-- the store sends the batch as one JSON document (one parameter for psycopg to adapt,
-- where a statement per write had it adapt two dozen each) and each write is applied in
-- the document's order, as it would be alone: a call moves on only at the revision its
-- writer read, its answers logged with it and its report's next revision put in the
-- outbox. The document is in the order of the calls' ids, so every server's batches lock
-- rows in one order and two never deadlock. Each write is one statement per table that
-- names its row by key: the plan cached for it stays an index lookup however the tables
-- grow, where one statement joining the whole document keeps the plan it was first given
-- (a scan of the whole table, while the table was small).
--
-- A row per write, in order: the call's seq (null: not moved, its revision stale or the
-- call unknown) and its report's revision. A write refused by a constraint (a call
-- created twice) fails the whole batch, which the store then writes one at a time.
CREATE FUNCTION sopfsm_write(writes jsonb)
RETURNS TABLE (written_id text, written_seq bigint, written_report integer)
LANGUAGE plpgsql AS $$
DECLARE
    w record;
BEGIN
    FOR w IN
        SELECT * FROM jsonb_to_recordset(writes) AS x(write text, id text, sop text,
            version text, agent text, created timestamptz, revision integer, new integer,
            step text, path text, outcome text, updated timestamptz, answers jsonb,
            report_id text, report_kind text, body text)
    LOOP
        written_id := w.id;
        written_seq := NULL;
        written_report := NULL;
        IF w.write = 'create' THEN
            INSERT INTO calls (id, sop, version, agent, created, updated, revision, step,
                path, outcome)
            VALUES (w.id, w.sop, w.version, w.agent, w.created, w.updated, w.new, w.step,
                w.path, w.outcome)
            RETURNING calls.seq INTO written_seq;
        ELSE
            UPDATE calls SET revision = w.new, step = w.step, path = w.path,
                outcome = w.outcome, updated = w.updated
            WHERE calls.id = w.id AND calls.revision = w.revision
            RETURNING calls.seq INTO written_seq;
        END IF;
        IF written_seq IS NOT NULL THEN
            IF jsonb_array_length(w.answers) > 0 THEN
                INSERT INTO answers (call_seq, revision, question, value, agent, at,
                    answered_by)
                SELECT written_seq, a.revision, a.question, a.value, a.agent, a.at, a.by
                FROM jsonb_to_recordset(w.answers) AS a(revision integer, question text,
                    value text, agent text, at timestamptz, by text);
            END IF;
            IF w.report_id IS NOT NULL THEN
                INSERT INTO reports (report_id, revision, call_seq, kind, body, created,
                    next_at)
                VALUES (w.report_id, coalesce((SELECT max(r.revision) FROM reports r
                    WHERE r.report_id = w.report_id), 0) + 1, written_seq, w.report_kind,
                    w.body, w.updated, w.updated)
                RETURNING reports.revision INTO written_report;
            END IF;
        END IF;
        RETURN NEXT;
    END LOOP;
END;
$$;
