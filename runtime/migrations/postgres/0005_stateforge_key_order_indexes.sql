-- Indexes in the order pages are read in, so that a page is a range read
-- of exactly its rows.
--
-- The entities of one state by key (`machine = ? AND state = ? AND
-- entity_id > ? ORDER BY entity_id LIMIT ?`): without the key in the
-- by-state index, a page walks the primary key and filters on the state,
-- reading the whole table for a state few entities are in. The new index
-- replaces the one on `(machine, state)`, of which it is a prefix, so a
-- transition still writes one index entry for the state, not two.
--
-- Due timers, claimed in `(due_at, id)` order after a cursor: without
-- the id in the index, timers due at the same time (a backlog, a batch
-- armed at once) are sorted in full on every claim.
--
-- Building them blocks writes to the entities and the timers while they
-- build: on large tables, run this file when the store is quiet. Every
-- statement may run again on tables that exist.
CREATE INDEX IF NOT EXISTS sf_entities_by_state_key ON sf_entities (machine, state, entity_id);
DROP INDEX IF EXISTS sf_entities_by_state;
CREATE INDEX IF NOT EXISTS sf_timers_by_due_id ON sf_timers (machine, due_at, id);
DROP INDEX IF EXISTS sf_timers_by_due;
INSERT INTO sf_meta (key, value) VALUES ('schema_version', 5)
    ON CONFLICT (key) DO UPDATE SET value = excluded.value WHERE sf_meta.value < excluded.value;
