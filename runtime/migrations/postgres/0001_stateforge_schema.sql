-- stateforge's tables: entities, their history, their timers, the
-- definitions they were written with, and the schema's version. Every
-- statement may run again on tables that exist (the store applies this
-- file itself unless opened with migrate(false)). Table names assume no
-- prefix: with one, render this file with
-- stateforge_runtime::db::Migration::sql.
CREATE TABLE IF NOT EXISTS sf_meta (key TEXT PRIMARY KEY, value BIGINT NOT NULL);
CREATE TABLE IF NOT EXISTS sf_entities (
    machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
    data TEXT NOT NULL, version BIGINT NOT NULL, fingerprint TEXT NOT NULL,
    session TEXT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL,
    PRIMARY KEY (machine, entity_id));
CREATE INDEX IF NOT EXISTS sf_entities_by_state ON sf_entities (machine, state);
CREATE TABLE IF NOT EXISTS sf_history (
    id BIGSERIAL PRIMARY KEY,
    machine TEXT NOT NULL, entity_id TEXT NOT NULL, from_state TEXT,
    to_state TEXT NOT NULL, event TEXT, reason TEXT, actor TEXT, session TEXT,
    at BIGINT NOT NULL, metadata TEXT NOT NULL, version BIGINT NOT NULL,
    UNIQUE (machine, entity_id, version));
CREATE INDEX IF NOT EXISTS sf_history_by_session ON sf_history (session, id);
CREATE INDEX IF NOT EXISTS sf_history_by_time ON sf_history (at);
CREATE INDEX IF NOT EXISTS sf_history_by_actor ON sf_history (actor, id);
CREATE TABLE IF NOT EXISTS sf_timers (
    id BIGSERIAL PRIMARY KEY,
    machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
    event TEXT NOT NULL, due_at BIGINT NOT NULL);
CREATE INDEX IF NOT EXISTS sf_timers_by_due ON sf_timers (machine, due_at);
CREATE INDEX IF NOT EXISTS sf_timers_by_entity ON sf_timers (machine, entity_id);
CREATE TABLE IF NOT EXISTS sf_definitions (
    machine TEXT NOT NULL, fingerprint TEXT NOT NULL, json TEXT NOT NULL,
    kind TEXT NOT NULL, saved_at BIGINT NOT NULL, PRIMARY KEY (machine, fingerprint));
INSERT INTO sf_meta (key, value) VALUES ('schema_version', 1)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE sf_meta.value < excluded.value;
