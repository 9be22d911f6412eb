//! One unit of work on PostgreSQL: the operations whose writes commit
//! together.

use std::cell::RefCell;
use std::collections::HashMap;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};
use tokio_postgres::Statement;
use tokio_postgres::types::ToSql;

use super::PgStore;
use super::conn::{Outcome, Scope};
use super::rows::{ENTITY_COLUMNS, entity_row};
use crate::db::entity_id::check_entity_id;
use crate::db::refusal::refused;
use crate::db::schema::Tables;
use crate::db::shared::{Keep, check_movable, check_save, check_session, fill, restore, to_i64};
use crate::db::{DefinitionKind, EntityRow, Fired, Loaded, StoreError, TransitionMeta};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::stored::{Stored, to_stored};
use crate::time::Timestamp;

/// The operations of one unit of work on PostgreSQL ([`PgStore::unit`]).
///
/// ```no_run
/// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
/// use stateforge_runtime::db::{PgStore, TransitionMeta};
/// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
/// let meta = TransitionMeta::new();
/// store.unit(|u| {
///     u.create("a", &AnyDoor::from(Door::new(0)), &meta)?;
///     u.create("b", &AnyDoor::from(Door::new(0)), &meta)
/// })?; // both doors, or neither
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub struct PgUnit<'a> {
    scope: RefCell<Option<Scope<'a>>>,
    statements: RefCell<&'a mut HashMap<String, Statement>>,
    pub(super) tables: &'a Tables,
    pub(super) store: &'a PgStore,
    /// The unit is one operation ending with its one write, which then
    /// carries the `COMMIT`.
    commit_with_write: bool,
    /// The first error, not a failed statement, that came after an
    /// operation had written part of its changes: the unit then must not
    /// commit (see [`SqliteStore::unit`](crate::db::SqliteStore::unit)).
    broken: RefCell<Option<String>>,
}

impl std::fmt::Debug for PgUnit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgUnit").finish_non_exhaustive()
    }
}

type Params<'p> = &'p [&'p (dyn ToSql + Sync)];

impl<'a> PgUnit<'a> {
    pub(super) fn new(
        scope: Scope<'a>,
        statements: &'a mut HashMap<String, Statement>,
        tables: &'a Tables,
        store: &'a PgStore,
        commit_with_write: bool,
    ) -> Self {
        PgUnit {
            scope: RefCell::new(Some(scope)),
            statements: RefCell::new(statements),
            tables,
            store,
            commit_with_write,
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

    pub(super) fn commit(self) -> Result<(), StoreError> {
        let Some(scope) = self.scope.into_inner() else {
            return Ok(());
        };
        if let Some(error) = self.broken.into_inner() {
            // Dropping the scope rolls the transaction back.
            drop(scope);
            return Err(StoreError::Database(format!(
                "the unit was rolled back: an operation in it failed after writing part of \
                 its changes ({error})"
            )));
        }
        match scope.commit().map_err(|e| self.store.pg_error(&e))? {
            Outcome::Committed => Ok(()),
            Outcome::RolledBack => Err(StoreError::Database(
                "the unit was rolled back: a statement in it failed, and PostgreSQL \
                 ends a transaction at its first error"
                    .into(),
            )),
        }
    }

    /// Runs `sql` through the connection's prepared statement for it,
    /// preparing it on first use.
    fn run<T>(
        &self,
        sql: &str,
        work: impl FnOnce(&mut Scope<'a>, &Statement) -> Result<T, tokio_postgres::Error>,
    ) -> Result<T, StoreError> {
        let mut scope = self.scope.borrow_mut();
        let scope = scope
            .as_mut()
            .ok_or_else(|| StoreError::Database("transaction is closed".into()))?;
        let mut statements = self.statements.borrow_mut();
        let statement = match statements.get(sql) {
            Some(statement) => statement.clone(),
            None => {
                // One of a transition's statements brings the others it
                // lacks along, in the same round trip.
                let path = self.store.sql.transition_path();
                let sqls: Vec<&str> = if path.contains(&sql) {
                    path.into_iter()
                        .filter(|s| !statements.contains_key(*s))
                        .collect()
                } else {
                    vec![sql]
                };
                let prepared = scope
                    .prepare_all(&sqls)
                    .map_err(|e| self.store.pg_error(&e))?;
                let mut wanted = None;
                // One statement per text: `prepare_all` fails or prepares all.
                for (text, statement) in sqls.into_iter().zip(prepared) {
                    if text == sql {
                        wanted = Some(statement.clone());
                    }
                    statements.insert(text.to_owned(), statement);
                }
                wanted.unwrap_or_else(|| unreachable!("{sql} is among the statements prepared"))
            }
        };
        work(scope, &statement).map_err(|e| self.store.pg_error(&e))
    }

    pub(super) fn query_opt(
        &self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Option<tokio_postgres::Row>, StoreError> {
        self.run(sql, |scope, statement| scope.query_opt(statement, params))
    }

    pub(super) fn query(
        &self,
        sql: &str,
        params: Params<'_>,
    ) -> Result<Vec<tokio_postgres::Row>, StoreError> {
        self.run(sql, |scope, statement| scope.query(statement, params))
    }

    pub(super) fn execute(&self, sql: &str, params: Params<'_>) -> Result<u64, StoreError> {
        self.run(sql, |scope, statement| scope.execute(statement, params))
    }

    fn in_transaction(&self) -> bool {
        self.scope
            .borrow()
            .as_ref()
            .is_some_and(Scope::is_transaction)
    }

    /// The entity's row, locked until the unit ends when the unit is a
    /// transaction.
    pub(super) fn row(&self, machine: &str, entity_id: &str) -> Result<EntityRow, StoreError> {
        check_entity_id(entity_id)?;
        let sql = if self.in_transaction() {
            &self.store.sql.row_locked
        } else {
            &self.store.sql.row
        };
        self.query_opt(sql, &[&machine, &entity_id])?.map_or_else(
            || {
                Err(StoreError::NotFound {
                    machine: machine.to_owned(),
                    entity_id: entity_id.to_owned(),
                })
            },
            |r| entity_row(&r),
        )
    }

    /// [`PgStore::create`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::create`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| u.create("d", &AnyDoor::from(Door::new(0)), &meta))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
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

    pub(super) fn create_stored(
        &self,
        def: &Definition,
        kind: DefinitionKind,
        entity_id: &str,
        stored: Stored,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        check_entity_id(entity_id)?;
        let now = Timestamp::now();
        let inserted = self.execute(
            &format!(
                "INSERT INTO {} ({ENTITY_COLUMNS}) VALUES ($1, $2, $3, $4, 1, $5, $6, $7, $7) ON CONFLICT DO NOTHING",
                self.tables.entities
            ),
            &[
                &stored.machine,
                &entity_id,
                &stored.state,
                &stored.data.to_string(),
                &stored.fingerprint.to_string(),
                &meta.session,
                &now.as_micros(),
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
        self.keep_definition(def, kind, now, Keep::Once)?;
        self.insert_history(&record)?;
        self.reset_timers(def, entity_id, &stored.state, now)?;
        Ok(Loaded {
            entity_id: entity_id.to_owned(),
            machine: (),
            version: 1,
        })
    }

    /// [`PgStore::load`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::load`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// let version = store.unit(|u| Ok(u.load::<AnyDoor>("d")?.version))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        check_entity_id(entity_id)?;
        let machine = M::definition().name();
        let row = self
            .query_opt(&self.store.sql.row, &[&machine, &entity_id])?
            .ok_or_else(|| StoreError::NotFound {
                machine: machine.to_owned(),
                entity_id: entity_id.to_owned(),
            })?;
        restore(entity_row(&row)?)
    }

    /// [`PgStore::fire`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::fire`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| u.fire::<AnyDoor>("d", DoorEvent::Open, &meta))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        self.fire_with(&Listeners::new(), entity_id, event, meta)
            .map(|fired| fired.loaded)
    }

    /// Fires with the before-listeners of `listeners`; see
    /// [`SqliteUnit::fire_with`](crate::db::Unit::fire_with).
    ///
    /// # Errors
    ///
    /// As [`PgStore::fire_with`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// let listeners = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// store.unit(|u| u.fire_with(&listeners, "d", DoorEvent::Open, &meta))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError> {
        let def = M::definition();
        let row = self.row(def.name(), entity_id)?;
        check_session(&row, meta)?;
        let loaded: Loaded<M> = restore(row)?;
        if let Err((listener, reason)) = listeners.check(&loaded.machine, &event, Some(entity_id)) {
            return Err(StoreError::Vetoed { listener, reason });
        }
        let from = def.state_name(loaded.machine.state_id());
        let event_name = def.event_name(stateforge_core::Event::id(&event));
        let next = loaded
            .machine
            .fire(event)
            .map_err(|r| refused(M::definition().name(), &r))?;
        let version = self.write_stored(
            def,
            entity_id,
            loaded.version,
            event_name,
            to_stored(&next)?,
            meta,
        )?;
        let to = next.state_name();
        Ok(Fired {
            loaded: Loaded {
                entity_id: entity_id.to_owned(),
                machine: next,
                version,
            },
            machine: def.name(),
            event: event_name,
            from,
            to,
        })
    }

    /// [`PgStore::save`], inside the unit.
    ///
    /// # Errors
    ///
    /// As [`PgStore::save`].
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// store.unit(|u| {
    ///     let loaded = u.load::<AnyDoor>("d")?;
    ///     let next = loaded.machine.fire(DoorEvent::Open).expect("closed doors open");
    ///     u.save("d", loaded.version, "open", &next, &meta)
    /// })?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        // The statement checks the version, the session and the transition
        // itself: no read before it, so the id is checked here.
        check_entity_id(entity_id)?;
        let def = M::definition();
        let stored = match to_stored(machine) {
            Ok(stored) => stored,
            // As on SQLite, what is wrong with the row is said before what
            // is wrong with the machine.
            Err(e) => {
                let to = machine.state_name();
                self.check_row(def, entity_id, expected_version, event, to, meta)?;
                return Err(e.into());
            }
        };
        self.write_stored(def, entity_id, expected_version, event, stored, meta)
    }

    /// A transition as ONE statement ([`PgSql::write`](super::sql)): the
    /// versioned update, its history record and, for machines with timers,
    /// the timers of the state entered. When nothing was written, the row
    /// is read again to say why.
    pub(super) fn write_stored(
        &self,
        def: &Definition,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        stored: Stored,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        // No row is at 0, and one at the last version cannot move: the
        // statement would match it and fail on the overflow. The read says
        // which (a conflict, a bad row).
        if expected_version == 0 || check_movable(def.name(), entity_id, expected_version).is_err()
        {
            return Err(self.not_written(
                def,
                entity_id,
                expected_version,
                event,
                &stored.state,
                meta,
            ));
        }
        let now = Timestamp::now();
        // The states `event` leads from to the state written: with the
        // version, the statement writes nothing but that transition.
        let (event_id, to_id) = (def.event_id(event), def.state_id(&stored.state));
        let sources: Vec<&str> = def
            .transitions()
            .iter()
            .filter(|t| Some(t.event) == event_id && Some(t.to) == to_id)
            .map(|t| def.state_name(t.from))
            .collect();
        let (data, fingerprint) = (stored.data.to_string(), stored.fingerprint.to_string());
        let (at, expected) = (now.as_micros(), to_i64(expected_version));
        let metadata = meta.metadata.to_string();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![
            &stored.state,
            &data,
            &fingerprint,
            &at,
            &stored.machine,
            &entity_id,
            &expected,
            &sources,
            &event,
            &meta.reason,
            &meta.actor,
            &metadata,
            &meta.session,
            &meta.cross_session,
        ];
        let (timer_events, timer_due): (Vec<&str>, Vec<i64>) = to_id
            .map(|to| {
                def.timers_of(to)
                    .map(|t| (def.event_name(t.event), (now + t.after).as_micros()))
                    .unzip()
            })
            .unwrap_or_default();
        // A machine without timers has no timer rows to cancel or start.
        let sql = if def.timers().is_empty() {
            &self.store.sql.write
        } else {
            params.push(&timer_events);
            params.push(&timer_due);
            &self.store.sql.write_timed
        };
        let written = if self.commit_with_write {
            self.run(sql, |scope, statement| {
                scope.query_opt_and_commit(statement, &params)
            })?
        } else {
            self.query_opt(sql, &params)?
        };
        match written {
            Some(row) => Ok(u64::try_from(row.get::<_, i64>(0)).unwrap_or(0)),
            None => {
                Err(self.not_written(def, entity_id, expected_version, event, &stored.state, meta))
            }
        }
    }

    /// Why a transition's statement wrote nothing: what [`check_row`]
    /// finds, or, when the row now passes every check, that it changed
    /// between the write and this read (a version is never reused, so only
    /// a deleted and recreated entity gets here): the caller's view is
    /// stale.
    ///
    /// [`check_row`]: PgUnit::check_row
    fn not_written(
        &self,
        def: &Definition,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        to: &str,
        meta: &TransitionMeta,
    ) -> StoreError {
        match self.check_row(def, entity_id, expected_version, event, to, meta) {
            Err(e) => e,
            Ok(current) => StoreError::Conflict {
                machine: def.name().to_owned(),
                entity_id: entity_id.to_owned(),
                expected: expected_version,
                current,
            },
        }
    }

    /// Reads the row and checks it as a transition's statement does, in
    /// the order the checks are documented: no such entity, another
    /// session's, moved on, not a transition. Returns the row's version.
    fn check_row(
        &self,
        def: &Definition,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        to: &str,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        let row = self.row(def.name(), entity_id)?;
        check_session(&row, meta)?;
        check_save(def, &row, expected_version, event, to)?;
        Ok(row.version)
    }

    fn insert_history(&self, r: &HistoryRecord) -> Result<(), StoreError> {
        self.execute(
            &format!(
                "INSERT INTO {} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                self.tables.history
            ),
            &[
                &r.machine,
                &r.entity_id,
                &r.from,
                &r.to,
                &r.event,
                &r.reason,
                &r.actor,
                &r.session,
                &r.at.as_micros(),
                &r.metadata.to_string(),
                &to_i64(r.version),
            ],
        )?;
        Ok(())
    }

    fn reset_timers(
        &self,
        def: &Definition,
        entity_id: &str,
        state: &str,
        now: Timestamp,
    ) -> Result<(), StoreError> {
        let t = self.tables;
        self.execute(
            &format!(
                "DELETE FROM {} WHERE machine = $1 AND entity_id = $2",
                t.timers
            ),
            &[&def.name(), &entity_id],
        )?;
        let Some(state_id) = def.state_id(state) else {
            return Ok(());
        };
        for timer in def.timers_of(state_id) {
            self.execute(
                &format!(
                    "INSERT INTO {} (machine, entity_id, state, event, due_at) VALUES ($1, $2, $3, $4, $5)",
                    t.timers
                ),
                &[&def.name(), &entity_id, &state, &def.event_name(timer.event), &(now + timer.after).as_micros()],
            )?;
        }
        Ok(())
    }
}
