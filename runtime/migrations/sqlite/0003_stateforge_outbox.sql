-- The transactional outbox: messages written in a transition's
-- transaction, delivered by an outbox worker (at least once, in order
-- per entity) and deleted once the handler acknowledged them. Every
-- statement may run again on tables that exist.
CREATE TABLE IF NOT EXISTS sf_outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    machine TEXT NOT NULL, entity_id TEXT NOT NULL, topic TEXT NOT NULL,
    payload TEXT NOT NULL, created_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sf_outbox_by_entity ON sf_outbox (machine, entity_id, id);
INSERT INTO sf_meta (key, value) VALUES ('schema_version', 3)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE sf_meta.value < excluded.value;
