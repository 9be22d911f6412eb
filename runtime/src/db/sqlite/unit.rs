//! One unit of work: the operations whose writes commit together.

use std::cell::RefCell;

use rusqlite::{Transaction, params};
use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::rows::{current_in, find_row_in, load_in, row_in};
use super::sql::SqliteSql;
use crate::db::due::{DueCount, DueCursor, DueTimer, Taken, TimerStep, fire_pages};
use crate::db::entity_id::check_entity_id;
use crate::db::refusal::refused;
use crate::db::schema::Tables;
use crate::db::shared::{Keep, check_movable, check_save, check_session, fill, to_i64};
use crate::db::{
    DefinitionKind, EntityRow, Fired, HistoryQuery, Loaded, StoreError, TransitionMeta,
};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::stored::{Stored, to_stored, to_stored_data};
use crate::time::Timestamp;

/// The operations of one unit of work ([`SqliteStore::unit`](crate::db::SqliteStore::unit)): what they
/// write commits with the unit, or not at all.
pub struct Unit<'a> {
    pub(super) tx: &'a Transaction<'a>,
    pub(super) tables: &'a Tables,
    sql: &'a SqliteSql,
    /// The first error that came after an operation had written part of
    /// its changes: the unit then must not commit, even when its work
    /// goes on past the error (PostgreSQL ends such a transaction itself).
    broken: RefCell<Option<String>>,
}

/// The row a transition starts from, as read in the unit's transaction.
pub(super) struct Source<'s> {
    pub(super) state: &'s str,
    pub(super) version: u64,
    pub(super) session: Option<String>,
}

impl std::fmt::Debug for Unit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Unit").finish_non_exhaustive()
    }
}

impl<'a> Unit<'a> {
    pub(super) fn new(tx: &'a Transaction<'a>, tables: &'a Tables, sql: &'a SqliteSql) -> Self {
        Unit {
            tx,
            tables,
            sql,
            broken: RefCell::new(None),
        }
    }

    /// Marks the unit as not to commit, because of `error`, which came
    /// after part of an operation's writes; returns it.
    pub(super) fn broke(&self, error: StoreError) -> StoreError {
        self.broken
            .borrow_mut()
            .get_or_insert_with(|| error.to_string());
        error
    }

    /// Why the unit must not commit, if it must not.
    pub(super) fn broken(&self) -> Option<String> {
        self.broken.borrow().clone()
    }

    /// [`SqliteStore::history`](crate::db::SqliteStore::history), inside the
    /// unit: its own writes included.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{HistoryQuery, SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let records = store.unit(|u| {
    ///     u.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    ///     u.history(&HistoryQuery::entity("door", "d"))
    /// })?;
    /// assert_eq!(records.len(), 1);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        super::rows::history_in(self.tx, self.tables, query)
    }

    /// [`SqliteStore::entities`](crate::db::SqliteStore::entities), inside
    /// the unit: its own writes included.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// let closed = store.unit(|u| {
    ///     u.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    ///     u.entities("door", Some("closed"))
    /// })?;
    /// assert_eq!(closed.len(), 1);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        Ok(crate::db::shared::good_rows(
            super::listing::checked_entities_in(self.tx, self.tables, machine, state)?,
        ))
    }

    /// [`SqliteStore::create`](crate::db::SqliteStore::create), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::create`](crate::db::SqliteStore::create).
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.create_stored(
            M::definition(),
            DefinitionKind::Typed,
            entity_id,
            to_stored(machine)?,
            meta,
        )
    }

    /// Inserts an entity row and its creation record; keeps its definition.
    pub(super) fn create_stored(
        &self,
        def: &Definition,
        kind: DefinitionKind,
        entity_id: &str,
        stored: Stored,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        check_entity_id(entity_id)?;
        let t = self.tables;
        let now = Timestamp::now();
        let inserted = self.tx.execute(
            &format!(
                "INSERT INTO {} (machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, 1, ?5, ?6, ?7, ?7) ON CONFLICT DO NOTHING",
                t.entities
            ),
            params![
                stored.machine,
                entity_id,
                stored.state,
                stored.data.to_string(),
                stored.fingerprint.to_string(),
                meta.session,
                now.as_micros()
            ],
        )?;
        if inserted == 0 {
            return Err(StoreError::AlreadyExists {
                machine: stored.machine,
                entity_id: entity_id.to_owned(),
            });
        }
        let mut record = HistoryRecord::created(&stored.machine, entity_id, &stored.state, now);
        fill(&mut record, meta);
        // Kept after the insert, so that an entity that exists keeps no
        // definition behind a refusal the caller may swallow.
        self.keep_definition(def, kind, now, Keep::Once)
            .and_then(|()| self.insert_history(&record))
            .and_then(|()| self.reset_timers(def, entity_id, &stored.state, now))
            .map_err(|e| self.broke(e))?;
        Ok(Loaded {
            entity_id: entity_id.to_owned(),
            machine: (),
            version: 1,
        })
    }

    /// [`SqliteStore::load`](crate::db::SqliteStore::load), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::load`](crate::db::SqliteStore::load).
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        load_in(self.tx, self.tables, entity_id)
    }

    /// [`SqliteStore::fire`](crate::db::SqliteStore::fire), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire`](crate::db::SqliteStore::fire).
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        let (loaded, session) = self.current::<M>(entity_id, meta)?;
        self.fire_loaded(entity_id, loaded, session, event, meta)
    }

    fn fire_loaded<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        loaded: Loaded<M>,
        session: Option<String>,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        let event_name = M::definition().event_name(stateforge_core::Event::id(&event));
        let from = Source {
            state: loaded.machine.state_name(),
            version: loaded.version,
            session,
        };
        let next = loaded
            .machine
            .fire(event)
            .map_err(|r| refused(M::definition().name(), &r))?;
        let version = self.write(entity_id, from, event_name, &next, meta)?;
        Ok(Loaded {
            entity_id: entity_id.to_owned(),
            machine: next,
            version,
        })
    }

    /// Fires with the before-listeners of `listeners` (a veto aborts the
    /// unit); returns the transition ([`Fired`]), whose
    /// [`info`](Fired::info) to pass to [`Listeners::notify`] once the
    /// unit has committed (as
    /// [`SqliteStore::fire_with`](crate::db::SqliteStore::fire_with) does).
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_with`](crate::db::SqliteStore::fire_with).
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError> {
        let (loaded, session) = self.current::<M>(entity_id, meta)?;
        if let Err((listener, reason)) = listeners.check(&loaded.machine, &event, Some(entity_id)) {
            return Err(StoreError::Vetoed { listener, reason });
        }
        let def = M::definition();
        let from = def.state_name(loaded.machine.state_id());
        let event_name = def.event_name(stateforge_core::Event::id(&event));
        let next = self.fire_loaded(entity_id, loaded, session, event, meta)?;
        let to = next.machine.state_name();
        Ok(Fired {
            loaded: next,
            machine: def.name(),
            event: event_name,
            from,
            to,
        })
    }

    /// [`SqliteStore::save`](crate::db::SqliteStore::save), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::save`](crate::db::SqliteStore::save).
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        let def = M::definition();
        let row = self.row(def.name(), entity_id)?;
        check_session(&row, meta)?;
        check_save(def, &row, expected_version, event, machine.state_name())?;
        let from = Source {
            state: &row.state,
            version: expected_version,
            session: row.session.clone(),
        };
        self.write(entity_id, from, event, machine, meta)
    }

    /// What [`PgUnit::lock_entities`](crate::db::PgUnit::lock_entities)
    /// does on PostgreSQL, where a unit that touches several entities
    /// should call it first. Here a unit holds the database's write lock
    /// from its start (`BEGIN IMMEDIATE`), so no other unit can hold any
    /// of the entities, nor deadlock with this one: nothing is left to
    /// lock, and this only checks that the entities exist, so that code
    /// written for both backends fails the same way on each.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for the first id (in the order given) with
    /// no entity; or the database's.
    ///
    /// ```
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// use stateforge_runtime::db::{SqliteStore, StoreError, TransitionMeta};
    /// let store = SqliteStore::open_in_memory()?;
    /// let meta = TransitionMeta::new();
    /// store.create("front", &AnyDoor::from(Door::new()), &meta)?;
    /// let missing = store.unit(|u| u.lock_entities("door", &["front", "back"]));
    /// assert!(matches!(missing, Err(StoreError::NotFound { entity_id, .. }) if entity_id == "back"));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn lock_entities(&self, machine: &str, entity_ids: &[&str]) -> Result<(), StoreError> {
        entity_ids.iter().try_for_each(|id| check_entity_id(id))?;
        let mut exists = self.tx.prepare_cached(&format!(
            "SELECT 1 FROM {} WHERE machine = ?1 AND entity_id = ?2",
            self.tables.entities
        ))?;
        for entity_id in entity_ids {
            if !exists.exists(params![machine, entity_id])? {
                return Err(StoreError::NotFound {
                    machine: machine.to_owned(),
                    entity_id: (*entity_id).to_owned(),
                });
            }
        }
        Ok(())
    }

    /// Fires the due timers of `M`; see [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due).
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due).
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.fire_due_by(M::definition(), now, limit, TimerStep::of::<M>)
            .map(|c| c.fired)
    }

    /// Fires the due timers of `def`'s machine, each as `step` decides
    /// (`TimerStep::of` for a typed machine, `of_dyn` for a dynamic one),
    /// saying how much of the limit it used.
    pub(crate) fn fire_due_by(
        &self,
        def: &Definition,
        now: Timestamp,
        limit: usize,
        step: impl Fn(&DueTimer, Option<EntityRow>) -> TimerStep,
    ) -> Result<DueCount, StoreError> {
        let t = self.tables;
        let claim = |after: DueCursor, at_most: usize| {
            let mut stmt = self.tx.prepare_cached(&format!(
                "SELECT id, entity_id, state, event, due_at FROM {} WHERE machine = ?1 AND due_at <= ?2
                   AND (due_at, id) > (?3, ?4)
                 ORDER BY due_at, id LIMIT ?5",
                t.timers
            ))?;
            let rows = stmt.query_map(
                params![
                    def.name(),
                    now.as_micros(),
                    after.due_at,
                    after.id,
                    i64::try_from(at_most).unwrap_or(i64::MAX)
                ],
                |r| {
                    Ok((
                        DueTimer {
                            id: r.get(0)?,
                            entity_id: r.get(1)?,
                            state: r.get(2)?,
                            event: r.get(3)?,
                            due_at: r.get(4)?,
                        },
                        (),
                    ))
                },
            )?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        };
        let take = |timer: DueTimer, ()| {
            let row = match find_row_in(self.tx, self.tables, def.name(), &timer.entity_id)? {
                Some(Ok(row)) => Some(row),
                // One row's bad column must not stop the machine's other
                // timers: the timer is kept, as for a row that does not
                // restore.
                Some(Err(error)) => {
                    tracing::warn!(event = %timer.event, %error,
                        "timer's entity row cannot be read; the timer is kept");
                    return Ok(Taken::Left);
                }
                None => None,
            };
            let step = step(&timer, row);
            if let TimerStep::Kept = step {
                return Ok(Taken::Left);
            }
            let deleted = self.tx.execute(
                &format!("DELETE FROM {} WHERE id = ?1", t.timers),
                params![timer.id],
            )?;
            if deleted == 0 {
                return Ok(Taken::Left);
            }
            let TimerStep::Fire {
                version,
                session,
                stored,
            } = step
            else {
                return Ok(Taken::UsedUp);
            };
            let meta = TransitionMeta::new().actor("timer").cross_session();
            let from = Source {
                state: &timer.state,
                version,
                session,
            };
            // The timer is deleted: were the unit to commit without its
            // transition, it would be lost.
            self.write_stored(
                def,
                &timer.entity_id,
                from,
                &timer.event,
                &stored.state,
                &stored.data.to_string(),
                &meta,
            )
            .map_err(|e| self.broke(e))?;
            Ok(Taken::Fired)
        };
        fire_pages(limit, claim, take)
    }

    fn row(&self, machine: &str, entity_id: &str) -> Result<EntityRow, StoreError> {
        row_in(self.tx, self.tables, machine, entity_id)
    }

    /// The versioned update, its history record and the new state's timers.
    fn write<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        from: Source<'_>,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        let data = to_stored_data(machine)?;
        self.write_stored(
            M::definition(),
            entity_id,
            from,
            event,
            machine.state_name(),
            &data,
            meta,
        )
    }

    /// The entity's row as a machine, checked as [`restore`] checks it (the
    /// session first), and its session.
    fn current<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
        meta: &TransitionMeta,
    ) -> Result<(Loaded<M>, Option<String>), StoreError> {
        current_in(self.tx, self.sql, entity_id, meta)
    }

    /// The versioned update and its history record (and the timers of
    /// machines that have them), in the unit's transaction.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn write_stored(
        &self,
        def: &Definition,
        entity_id: &str,
        from: Source<'_>,
        event: &str,
        to: &str,
        data: &str,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        let now = Timestamp::now();
        let expected_version = from.version;
        // Read in this transaction: the update would match it and write
        // a version SQLite can only hold as a floating-point number.
        check_movable(def.name(), entity_id, expected_version)?;
        // No `RETURNING`: SQLite builds a temporary table for it; the
        // session is the row's, read in this transaction.
        let updated = self.tx.prepare_cached(&self.sql.update)?.execute(params![
            to,
            data,
            def.fingerprint().to_string(),
            now.as_micros(),
            def.name(),
            entity_id,
            to_i64(expected_version)
        ])?;
        if updated == 0 {
            let current = self.row(def.name(), entity_id)?.version;
            return Err(StoreError::Conflict {
                machine: def.name().to_owned(),
                entity_id: entity_id.to_owned(),
                expected: expected_version,
                current,
            });
        }
        let version = expected_version + 1;
        let recorded = self
            .tx
            .prepare_cached(&self.sql.history_insert)
            .and_then(|mut insert| {
                insert.execute(params![
                    def.name(),
                    entity_id,
                    from.state,
                    to,
                    event,
                    meta.reason,
                    meta.actor,
                    from.session,
                    now.as_micros(),
                    meta.metadata.to_string(),
                    to_i64(version)
                ])
            })
            .map_err(StoreError::from)
            // A machine without timers has no timer rows to cancel or start.
            .and_then(|_| match def.timers().is_empty() {
                true => Ok(()),
                false => self.reset_timers(def, entity_id, to, now),
            });
        // The entity row is updated: without its record (or its timers)
        // the unit must not commit.
        recorded.map_err(|e| self.broke(e))?;
        Ok(version)
    }

    /// Keeps the definition an entity is written under, once per
    /// fingerprint, so operators can draw and check stored machines. Its
    /// `saved_at` is after every other of the machine's (see
    /// [`Keep`]), so "latest" follows the order of the saves.
    pub(super) fn keep_definition(
        &self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> Result<(), StoreError> {
        self.tx.execute(
            &format!(
                "INSERT INTO {d} (machine, fingerprint, json, kind, saved_at)
                 VALUES (?1, ?2, ?3, ?4, MAX(?5, COALESCE((SELECT MAX(saved_at) + 1 FROM {d} WHERE machine = ?1), ?5)))
                 ON CONFLICT (machine, fingerprint) {}",
                keep.on_conflict(),
                d = self.tables.definitions,
            ),
            params![
                def.name(),
                def.fingerprint().to_string(),
                def.to_json(),
                kind.as_str(),
                now.as_micros()
            ],
        )?;
        Ok(())
    }

    fn insert_history(&self, r: &HistoryRecord) -> Result<(), StoreError> {
        self.tx
            .prepare_cached(&self.sql.history_insert)?
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
    }

    /// Leaving a state cancels its timers; entering one starts its own.
    fn reset_timers(
        &self,
        def: &Definition,
        entity_id: &str,
        state: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let t = self.tables;
        self.tx.execute(
            &format!(
                "DELETE FROM {} WHERE machine = ?1 AND entity_id = ?2",
                t.timers
            ),
            params![def.name(), entity_id],
        )?;
        let Some(state_id) = def.state_id(state) else {
            return Ok(());
        };
        for timer in def.timers_of(state_id) {
            self.tx.execute(
                &format!(
                    "INSERT INTO {} (machine, entity_id, state, event, due_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    t.timers
                ),
                params![
                    def.name(),
                    entity_id,
                    state,
                    def.event_name(timer.event),
                    (now + timer.after).as_micros()
                ],
            )?;
        }
        Ok(())
    }
}
