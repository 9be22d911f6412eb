-- The outcome of each event fired with an idempotency key, so that the
-- same key fired again returns it instead of moving the entity again:
-- the transition's entity, event, states, version and data, and when the
-- key expires. Every statement may run again on tables that exist.
CREATE TABLE IF NOT EXISTS sf_idempotency (
    key TEXT PRIMARY KEY, machine TEXT NOT NULL, entity_id TEXT NOT NULL,
    event TEXT NOT NULL, from_state TEXT NOT NULL, to_state TEXT NOT NULL,
    version INTEGER NOT NULL, data TEXT NOT NULL, fingerprint TEXT NOT NULL,
    at INTEGER NOT NULL, expires_at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sf_idempotency_by_expiry ON sf_idempotency (expires_at);
INSERT INTO sf_meta (key, value) VALUES ('schema_version', 2)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE sf_meta.value < excluded.value;
