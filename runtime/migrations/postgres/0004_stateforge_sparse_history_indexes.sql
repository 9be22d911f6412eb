-- The history's session and actor indexes hold only the records that
-- have a session or an actor: most transitions have neither, and an
-- index entry per record cost every transition a page write for each
-- index. A query by session or by actor (`session = ?`, `actor = ?`)
-- implies the column is not null, so it still searches the index.
-- Rebuilding them blocks writes to the history while they build: on a
-- large history, run this file when the store is quiet. Every statement
-- may run again on tables that exist.
DROP INDEX IF EXISTS sf_history_by_session;
CREATE INDEX IF NOT EXISTS sf_history_by_session ON sf_history (session, id)
    WHERE session IS NOT NULL;
DROP INDEX IF EXISTS sf_history_by_actor;
CREATE INDEX IF NOT EXISTS sf_history_by_actor ON sf_history (actor, id)
    WHERE actor IS NOT NULL;
INSERT INTO sf_meta (key, value) VALUES ('schema_version', 4)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE sf_meta.value < excluded.value;
