//! The backend primitives on SQLite: each one job of statements on the
//! connection, its inputs owned so that the job can run on the
//! connection's thread.

use rusqlite::{OptionalExtension, params};
use stateforge_core::Definition;

use super::connection::SqliteConnection;
use super::idempotency::{expire_outcomes_in, find_outcome_in, keep_outcome_in};
use super::listing::{checked_entities_in, entity_page_in};
use super::mapped;
use super::outbox::{claim_messages_in, delete_messages_in, insert_messages_in};
use super::rows::{entity_row, find_row_in, history_in};
use super::transition::{
    OwnedTransition, TransitionValues, metadata_text, replace_timers, write_transition,
};
use crate::db::backend::{
    Claimed, ClaimedEntity, Connection, DueEntry, DueOutcome, KeyedRow, NewEntity, Write,
};
use crate::db::due::{DueCursor, DueTimer};
use crate::db::idempotency::KeptOutcome;
use crate::db::outbox::message::ClaimedMessage;
use crate::db::shared::{Keep, to_i64};
use crate::db::{DefinitionKind, EntityQuery, EntityRow, HistoryQuery, StoreError, StoredRow};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

fn count(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

impl Connection for SqliteConnection<'_> {
    async fn row(
        &mut self,
        machine: &str,
        entity_id: &str,
        _lock: bool,
    ) -> Result<Option<Result<StoredRow, StoreError>>, StoreError> {
        // A unit holds the database's write lock from its start: nothing
        // is left to lock row by row.
        if let Some(m) = self.shared.mapped(machine) {
            let entity_id = entity_id.to_owned();
            return self
                .call(move |conn, _| Ok(mapped::find_row_in(conn, &m, &entity_id)?))
                .await;
        }
        if self.runs_here() {
            return self.run_here(|conn, s| Ok(find_row_in(conn, s, machine, entity_id)?));
        }
        let (machine, entity_id) = (machine.to_owned(), entity_id.to_owned());
        self.call(move |conn, s| Ok(find_row_in(conn, s, &machine, &entity_id)?))
            .await
    }

    async fn insert_entity(&mut self, e: &NewEntity<'_>) -> Result<bool, StoreError> {
        if let Some(m) = self.shared.mapped(e.machine) {
            if self.runs_here() {
                return self.run_here(|conn, _| mapped::insert_in(conn, &m, e));
            }
            let (entity_id, state, data) = (
                e.entity_id.to_owned(),
                e.state.to_owned(),
                e.data.to_owned(),
            );
            let (session, now) = (e.session.map(str::to_owned), e.now);
            return self
                .call(move |conn, _| {
                    let e = NewEntity {
                        machine: &m.table.machine,
                        entity_id: &entity_id,
                        state: &state,
                        data: &data,
                        fingerprint: &m.table.fingerprint,
                        session: session.as_deref(),
                        now,
                    };
                    mapped::insert_in(conn, &m, &e)
                })
                .await;
        }
        let values = (
            e.machine.to_owned(),
            e.entity_id.to_owned(),
            e.state.to_owned(),
            e.data.to_owned(),
            e.fingerprint.to_owned(),
            e.session.map(str::to_owned),
            e.now.as_micros(),
        );
        self.call(move |conn, s| {
            let (machine, entity_id, state, data, fingerprint, session, now) = values;
            let inserted = conn.prepare_cached(&format!(
                "INSERT INTO {} (machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?7) ON CONFLICT DO NOTHING",
                s.tables.entities
            ))?
            .execute(params![machine, entity_id, state, data, fingerprint, session, now])?;
            Ok(inserted > 0)
        })
        .await
    }

    fn checks_sources(&self) -> bool {
        false
    }

    async fn write(&mut self, w: &Write<'_>) -> Result<Option<u64>, StoreError> {
        if let Some(m) = self.shared.mapped(w.machine) {
            if self.runs_here() {
                return self.run_here(|conn, s| mapped::write_in(conn, s, &m, w));
            }
            let owned = mapped::OwnedWrite::of(w);
            return self
                .call(move |conn, s| owned.with(|w| mapped::write_in(conn, s, &m, w)))
                .await;
        }
        if self.runs_here() {
            let metadata = metadata_text(w);
            let values = TransitionValues::of(w, &metadata);
            return self.run_here(|conn, s| write_transition(conn, s, &values));
        }
        let owned = OwnedTransition::of(w);
        self.call(move |conn, s| write_transition(conn, s, &owned.values()))
            .await
    }

    async fn insert_history(&mut self, r: &HistoryRecord) -> Result<(), StoreError> {
        let r = r.clone();
        self.call(move |conn, s| {
            conn.prepare_cached(&s.sql.history_insert)?
                .execute(params![
                    r.machine,
                    r.entity_id,
                    r.from,
                    r.to,
                    r.event,
                    r.reason,
                    r.actor,
                    r.session,
                    r.at.as_micros(),
                    r.metadata.to_string(),
                    to_i64(r.version)
                ])?;
            Ok(())
        })
        .await
    }

    async fn reset_timers(
        &mut self,
        machine: &str,
        entity_id: &str,
        state: &str,
        timers: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        let (machine, entity_id, state) =
            (machine.to_owned(), entity_id.to_owned(), state.to_owned());
        let timers: Vec<(String, i64)> = timers
            .iter()
            .map(|(e, at)| ((*e).to_owned(), *at))
            .collect();
        self.call(move |conn, s| replace_timers(conn, s, &machine, &entity_id, &state, &timers))
            .await
    }

    async fn keep_definition(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> Result<(), StoreError> {
        let values = (
            def.name().to_owned(),
            def.fingerprint().to_string(),
            def.to_json(),
            kind.as_str(),
            now.as_micros(),
        );
        self.call(move |conn, s| {
            let (machine, fingerprint, json, kind, now) = values;
            conn.prepare_cached(&format!(
                "INSERT INTO {d} (machine, fingerprint, json, kind, saved_at)
                 VALUES (?1, ?2, ?3, ?4, MAX(?5, COALESCE((SELECT MAX(saved_at) + 1 FROM {d} WHERE machine = ?1), ?5)))
                 ON CONFLICT (machine, fingerprint) {}",
                keep.on_conflict(),
                d = s.tables.definitions,
            ))?
            .execute(params![machine, fingerprint, json, kind, now])?;
            Ok(())
        })
        .await
    }

    async fn kept_definition(
        &mut self,
        machine: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let machine = machine.to_owned();
        self.call(move |conn, s| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT json, kind FROM {} WHERE machine = ?1 ORDER BY saved_at DESC, rowid DESC LIMIT 1",
                    s.tables.definitions
                ))?
                .query_row(params![machine], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })
        .await
    }

    async fn definition_under(
        &mut self,
        machine: &str,
        fingerprint: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        let key = (machine.to_owned(), fingerprint.to_owned());
        self.call(move |conn, s| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT json, kind FROM {} WHERE machine = ?1 AND fingerprint = ?2",
                    s.tables.definitions
                ))?
                .query_row(params![key.0, key.1], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?)
        })
        .await
    }

    async fn machines(&mut self) -> Result<Vec<String>, StoreError> {
        self.call(|conn, s| {
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT DISTINCT machine FROM {} ORDER BY machine",
                s.tables.definitions
            ))?;
            let names = stmt.query_map([], |r| r.get(0))?;
            Ok(names.collect::<Result<_, _>>()?)
        })
        .await
    }

    async fn history(&mut self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        let query = query.clone();
        self.call(move |conn, s| history_in(conn, &s.tables, &query))
            .await
    }

    async fn entities(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        let (machine, state) = (machine.to_owned(), state.map(str::to_owned));
        if let Some(m) = self.shared.mapped(&machine) {
            return self
                .call(move |conn, _| mapped::entities_in(conn, &m, state.as_deref()))
                .await;
        }
        self.call(move |conn, s| checked_entities_in(conn, &s.tables, &machine, state.as_deref()))
            .await
    }

    async fn entity_page(&mut self, query: &EntityQuery) -> Result<Vec<KeyedRow>, StoreError> {
        if let Some(m) = self.shared.mapped(&query.machine) {
            return Err(m.table.refuses_pages());
        }
        let query = query.clone();
        self.call(move |conn, s| entity_page_in(conn, &s.tables, &query))
            .await
    }

    async fn lock_entities(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> Result<Option<String>, StoreError> {
        // A unit holds the database's write lock from its start (`BEGIN
        // IMMEDIATE`): no other unit holds any entity, nor can deadlock
        // with this one. Only the check that each exists is left.
        let machine = machine.to_owned();
        let ids: Vec<String> = entity_ids.iter().map(|id| (*id).to_owned()).collect();
        if let Some(m) = self.shared.mapped(&machine) {
            return self
                .call(move |conn, _| mapped::first_missing_in(conn, &m, &ids))
                .await;
        }
        self.call(move |conn, s| {
            let mut exists = conn.prepare_cached(&format!(
                "SELECT 1 FROM {} WHERE machine = ?1 AND entity_id = ?2",
                s.tables.entities
            ))?;
            for id in ids {
                if !exists.exists(params![machine, id])? {
                    return Ok(Some(id));
                }
            }
            Ok(None)
        })
        .await
    }

    async fn claim_due(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        at_most: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        if let Some(m) = self.shared.mapped(machine) {
            return self
                .call(move |conn, _| mapped::claim_due_in(conn, &m, now, after, count(at_most)))
                .await;
        }
        let machine = machine.to_owned();
        self.call(move |conn, s| {
            let t = &s.tables;
            // The unit holds the write lock: no entity is held by another,
            // and one whose row is missing is gone (deleted past the store).
            let mut stmt = conn.prepare_cached(&format!(
                "SELECT e.machine, e.entity_id, e.state, e.data, e.version, e.fingerprint, e.session,
                        e.created_at, e.updated_at, t.id, t.entity_id, t.state, t.event, t.due_at
                 FROM {tm} AS t LEFT JOIN {e} AS e ON e.machine = t.machine AND e.entity_id = t.entity_id
                 WHERE t.machine = ?1 AND t.due_at <= ?2 AND (t.due_at, t.id) > (?3, ?4)
                 ORDER BY t.due_at, t.id LIMIT ?5",
                tm = t.timers,
                e = t.entities,
            ))?;
            let rows = stmt.query_map(
                params![machine, now.as_micros(), after.due_at, after.id, count(at_most)],
                |r| {
                    let timer = DueTimer {
                        id: r.get(9)?,
                        entity_id: r.get(10)?,
                        state: r.get(11)?,
                        event: r.get(12)?,
                        due_at: r.get(13)?,
                    };
                    let entity = match r.get_ref(0)? {
                        rusqlite::types::ValueRef::Null => ClaimedEntity::Gone,
                        _ => ClaimedEntity::Row(entity_row(r)?),
                    };
                    Ok((timer, entity))
                },
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    async fn delete_timer(&mut self, id: i64) -> Result<bool, StoreError> {
        self.call(move |conn, s| {
            let deleted = conn
                .prepare_cached(&s.sql.delete_timer)?
                .execute(params![id])?;
            Ok(deleted > 0)
        })
        .await
    }

    async fn fire_due_page(
        &mut self,
        machine: &str,
        due: &[DueEntry<'_>],
    ) -> Result<Vec<DueOutcome>, StoreError> {
        self.fire_due_entries(machine, due).await
    }

    async fn find_outcome(
        &mut self,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<KeptOutcome>, StoreError> {
        let key = key.to_owned();
        self.call(move |conn, s| find_outcome_in(conn, &s.tables, &key, now))
            .await
    }

    async fn keep_outcome(&mut self, outcome: &KeptOutcome) -> Result<bool, StoreError> {
        let outcome = outcome.clone();
        self.call(move |conn, s| keep_outcome_in(conn, &s.tables, &outcome))
            .await
    }

    async fn expire_outcomes(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        self.call(move |conn, s| expire_outcomes_in(conn, &s.tables, now))
            .await
    }

    async fn insert_messages(
        &mut self,
        machine: &str,
        entity_id: &str,
        messages: &[(String, serde_json::Value)],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let (machine, entity_id) = (machine.to_owned(), entity_id.to_owned());
        let messages: Vec<(String, String)> = messages
            .iter()
            .map(|(topic, payload)| (topic.clone(), payload.to_string()))
            .collect();
        self.call(move |conn, s| {
            insert_messages_in(conn, &s.tables, &machine, &entity_id, &messages, now)
        })
        .await
    }

    async fn claim_messages(&mut self, at_most: usize) -> Result<Vec<ClaimedMessage>, StoreError> {
        self.call(move |conn, s| claim_messages_in(conn, &s.tables, at_most))
            .await
    }

    async fn delete_messages(&mut self, ids: &[i64]) -> Result<u64, StoreError> {
        let ids = ids.to_vec();
        self.call(move |conn, s| delete_messages_in(conn, &s.tables, &ids))
            .await
    }

    async fn next_due(
        &mut self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        let machine = machine.to_owned();
        self.call(move |conn, s| {
            Ok(conn
                .prepare_cached(&format!(
                    "SELECT MIN(due_at) FROM {} WHERE machine = ?1 AND due_at > ?2",
                    s.tables.timers
                ))?
                .query_row(params![machine, after.as_micros()], |r| r.get(0))?)
        })
        .await
    }

    async fn commit(mut self) -> Result<(), StoreError> {
        self.commit_open().await
    }
}
