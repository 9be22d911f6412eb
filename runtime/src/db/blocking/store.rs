//! One store type over every backend, chosen at run time: an application
//! (or an example) runs on SQLite by default and on PostgreSQL when given
//! a PostgreSQL URL, with the same code.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use crate::db::due::{DueCount, TimerStep};
use crate::db::ops::Reshape;
#[cfg(feature = "sqlite")]
use crate::db::sqlite::Unit as SqliteUnit;
use crate::db::{
    EntityRow, Fired, HistoryQuery, Loaded, StoreError, StoreOptions, TablePrefix, TransitionMeta,
};
#[cfg(feature = "sqlite")]
use crate::db::{SqliteOptions, SqliteStore};
use crate::history::HistoryRecord;
use crate::time::Timestamp;
use std::sync::Arc;

use crate::dynamic::{Args, Bound, DynMachine};
use crate::listener::Listeners;

/// A store on whichever backend [`Store::open`] was given.
///
/// ```
/// use stateforge_runtime::db::{TransitionMeta, blocking::Store};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; }
/// }
/// let dir = tempfile::tempdir().unwrap();
/// let store = Store::open(dir.path().join("doors.db").to_str().unwrap())?;
/// store.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
/// assert_eq!(store.fire::<AnyDoor>("d", DoorEvent::Open, &TransitionMeta::new())?.version, 2);
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
#[derive(Debug)]
#[non_exhaustive]
#[allow(clippy::large_enum_variant)]
pub enum Store {
    /// The embedded store.
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteStore),
    /// The PostgreSQL store.
    #[cfg(feature = "postgres")]
    Postgres(crate::db::PgStore),
}

/// The operations of one unit of work on a [`Store`] ([`Store::unit`]).
#[derive(Debug)]
#[non_exhaustive]
pub enum StoreUnit<'u, 'c> {
    /// A unit on SQLite.
    #[cfg(feature = "sqlite")]
    Sqlite(&'u SqliteUnit<'c>),
    /// A unit on PostgreSQL.
    #[cfg(feature = "postgres")]
    Postgres(&'u crate::db::PgUnit<'c>),
}

macro_rules! each_backend {
    ($self:expr, $s:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            Store::Sqlite($s) => $body,
            #[cfg(feature = "postgres")]
            Store::Postgres($s) => $body,
        }
    };
}

macro_rules! each_unit {
    ($self:expr, $u:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            StoreUnit::Sqlite($u) => $body,
            #[cfg(feature = "postgres")]
            StoreUnit::Postgres($u) => $body,
        }
    };
}

impl Store {
    /// Opens `target`: a `postgres://` or `postgresql://` URL, or else the
    /// path of an SQLite file (created if missing).
    ///
    /// # Errors
    ///
    /// When the database cannot be opened, or the URL needs a backend this
    /// build lacks.
    ///
    /// ```
    /// let store = stateforge_runtime::db::blocking::Store::open(":memory:")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open(target: &str) -> Result<Store, StoreError> {
        Store::open_with(target, &TablePrefix::default())
    }

    /// [`Store::open`] with a prefix for the store's table names, so that
    /// several applications (or tests) share one database.
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```
    /// use stateforge_runtime::db::{TablePrefix, blocking::Store};
    /// let store = Store::open_with(":memory:", &TablePrefix::new("app_")?)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_with(target: &str, prefix: &TablePrefix) -> Result<Store, StoreError> {
        Store::open_with_options(target, prefix, &StoreOptions::new())
    }

    /// [`Store::open_with`] with `options`: how long an operation waits
    /// for a lock another connection holds, on PostgreSQL its
    /// `lock_timeout` ([`PgStore::connect_with_options`](crate::db::PgStore::connect_with_options)),
    /// on SQLite its busy timeout ([`SqliteStore::set_busy_timeout`]).
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```
    /// use std::time::Duration;
    /// use stateforge_runtime::db::{StoreOptions, TablePrefix, blocking::Store};
    /// let options = StoreOptions::new().lock_timeout(Duration::from_secs(2));
    /// let store = Store::open_with_options(":memory:", &TablePrefix::new("app_")?, &options)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn open_with_options(
        target: &str,
        prefix: &TablePrefix,
        options: &StoreOptions,
    ) -> Result<Store, StoreError> {
        if let Some(_url) = crate::db::postgres_url(target) {
            #[cfg(feature = "postgres")]
            return Ok(Store::Postgres(crate::db::PgStore::connect_with_options(
                &_url, prefix, options,
            )?));
            #[cfg(not(feature = "postgres"))]
            return Err(StoreError::Database(
                "this build has no PostgreSQL store; enable the `postgres` feature".to_owned(),
            ));
        }
        #[cfg(feature = "sqlite")]
        {
            let store = if target == ":memory:" {
                let store = SqliteStore::open_in_memory_with(prefix)?;
                store
                    .set_busy_timeout(options.lock_timeout_or(SqliteStore::DEFAULT_BUSY_TIMEOUT))?;
                store
            } else {
                // The timeout bounds the opening's waits too.
                SqliteStore::open_with_options(
                    target,
                    &SqliteOptions::new()
                        .prefix(prefix.clone())
                        .busy_timeout(options.lock_timeout_or(SqliteStore::DEFAULT_BUSY_TIMEOUT)),
                )?
            };
            Ok(Store::Sqlite(store))
        }
        #[cfg(not(feature = "sqlite"))]
        Err(StoreError::Database(
            "this build has no SQLite store, and the target is no PostgreSQL URL; enable the `sqlite` feature".to_owned(),
        ))
    }

    /// PostgreSQL at `STATEFORGE_PG_URL` when that is set, else the SQLite
    /// file `sqlite_path`.
    ///
    /// # Errors
    ///
    /// As [`Store::open`].
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::blocking::Store::from_env("app.db")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn from_env(sqlite_path: &str) -> Result<Store, StoreError> {
        match std::env::var("STATEFORGE_PG_URL") {
            Ok(url) if !url.is_empty() => Store::open(&url),
            _ => Store::open(sqlite_path),
        }
    }

    /// Which backend this is: `sqlite` or `postgres`.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::blocking::Store::open(":memory:").unwrap().backend(), "sqlite");
    /// ```
    pub fn backend(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            Store::Sqlite(_) => "sqlite",
            #[cfg(feature = "postgres")]
            Store::Postgres(_) => "postgres",
        }
    }

    /// See [`SqliteStore::unit`]. A unit that fires or saves several
    /// entities should first lock them, in one order, with
    /// [`StoreUnit::lock_entities`]: on PostgreSQL each entity stays locked
    /// until the unit ends, and two units that take the same entities in
    /// opposite orders can deadlock. A deadlock that remains is
    /// [`StoreError::Transient`] ([`is_retryable`](StoreError::is_retryable)):
    /// nothing was written; run the unit again.
    ///
    /// # Errors
    ///
    /// The first error of `work`, or the database's.
    pub fn unit<T>(
        &self,
        work: impl FnOnce(&StoreUnit<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            Store::Sqlite(s) => s.unit(|u| work(&StoreUnit::Sqlite(u))),
            #[cfg(feature = "postgres")]
            Store::Postgres(s) => s.unit(|u| work(&StoreUnit::Postgres(u))),
        }
    }

    /// See [`SqliteStore::create`]: an entity id is 1 to
    /// [`MAX_ENTITY_ID_BYTES`](crate::db::MAX_ENTITY_ID_BYTES) bytes
    /// without U+0000 on either backend.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::create`].
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        each_backend!(self, s => s.create(entity_id, machine, meta))
    }

    /// See [`SqliteStore::load`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::load`].
    pub fn load<M: Machine + DeserializeOwned + Send>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        each_backend!(self, s => s.load(entity_id))
    }

    /// See [`SqliteStore::fire`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire`].
    pub fn fire<M>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: Send,
    {
        each_backend!(self, s => s.fire(entity_id, event, meta))
    }

    /// See [`SqliteStore::fire_with`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_with`].
    pub fn fire_with<M>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: Send,
    {
        each_backend!(self, s => s.fire_with(listeners, entity_id, event, meta))
    }

    /// See [`SqliteStore::save`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::save`].
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        each_backend!(self, s => s.save(entity_id, expected_version, event, machine, meta))
    }

    /// See [`SqliteStore::history`].
    ///
    /// # Errors
    ///
    /// The database's; [`StoreError::BadRow`] for a record that does not
    /// read, naming its entity.
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        each_backend!(self, s => s.history(query))
    }

    /// See [`SqliteStore::entities`]: a row that does not read is left
    /// out, and logged.
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        each_backend!(self, s => s.entities(machine, state))
    }

    /// See [`SqliteStore::entities_checked`]: every row, each as its
    /// entity or the [`StoreError::BadRow`] saying what is wrong with it.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::blocking::Store::open(":memory:")?;
    /// let (good, bad): (Vec<_>, Vec<_>) =
    ///     store.entities_checked("task", None)?.into_iter().partition(Result::is_ok);
    /// assert!(good.is_empty() && bad.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        each_backend!(self, s => s.entities_checked(machine, state))
    }

    /// See [`SqliteStore::fire_due`].
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        each_backend!(self, s => s.fire_due::<M>(now, limit))
    }

    /// See [`SqliteStore::migrate`].
    ///
    /// # Errors
    ///
    /// The database's; the units committed before it stay.
    pub fn migrate(
        &self,
        def: &stateforge_core::Definition,
        options: crate::db::MigrateOptions,
    ) -> Result<crate::db::MigrationReport, StoreError> {
        each_backend!(self, s => s.migrate(def, options))
    }

    /// See [`SqliteStore::migrate_machine`].
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn migrate_machine<M: Machine>(
        &self,
        options: crate::db::MigrateOptions,
    ) -> Result<crate::db::MigrationReport, StoreError> {
        each_backend!(self, s => s.migrate_machine::<M>(options))
    }

    /// See [`SqliteStore::migrate_dyn`].
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn migrate_dyn(
        &self,
        bound: &crate::dynamic::Bound<serde_json::Value>,
        options: crate::db::MigrateOptions,
    ) -> Result<crate::db::MigrationReport, StoreError> {
        each_backend!(self, s => s.migrate_dyn(bound, options))
    }

    /// See [`SqliteStore::next_due`].
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn next_due(&self, machine: &str) -> Result<Option<Timestamp>, StoreError> {
        each_backend!(self, s => s.next_due(machine))
    }

    /// [`Store::fire_due`], saying how much of the limit it used.
    pub(crate) fn fire_due_counted<M>(
        &self,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        each_backend!(self, s => s.unit(|u| u.fire_due_by(M::definition(), now, limit, TimerStep::of::<M>, Reshape::Typed(M::migrate_data))))
    }

    /// [`Store::fire_due_dyn`], saying how much of the limit it used.
    pub(crate) fn fire_due_dyn_counted(
        &self,
        bound: &Arc<Bound<serde_json::Value>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError> {
        each_backend!(self, s => s.unit(|u| u.fire_due_by(bound.definition(), now, limit, |timer, row| {
            TimerStep::of_dyn(bound, timer, row)
        }, Reshape::Bound(bound))))
    }

    /// When the first timer of `machine` due after `after` is due.
    pub(crate) fn next_due_after(
        &self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        each_backend!(self, s => s.next_due_after(machine, after))
    }
}

/// Definitions and dynamic machines.
impl Store {
    /// See [`SqliteStore::save_definition`].
    ///
    /// # Errors
    ///
    /// The database's.
    pub fn save_definition(
        &self,
        definition: &stateforge_core::Definition,
    ) -> Result<(), StoreError> {
        each_backend!(self, s => s.save_definition(definition))
    }

    /// See [`SqliteStore::kept_definition`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::definition`].
    pub fn kept_definition(
        &self,
        machine: &str,
    ) -> Result<(stateforge_core::Definition, crate::db::DefinitionKind), StoreError> {
        each_backend!(self, s => s.kept_definition(machine))
    }

    /// Drops the store's tables, every entity, history record, timer and
    /// kept definition under its prefix with them: the reset of a test or a
    /// tool. Other prefixes in the same database are untouched. The store
    /// is for dropping only afterwards: open a new one to start over (it
    /// creates the tables again).
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// use stateforge_runtime::db::{TablePrefix, blocking::Store};
    /// let dir = tempfile::tempdir().unwrap();
    /// let target = dir.path().join("t.db");
    /// let target = target.to_str().unwrap();
    /// let prefix = TablePrefix::new("test_")?;
    /// Store::open_with(target, &prefix)?.drop_tables()?;
    /// let store = Store::open_with(target, &prefix)?; // empty again
    /// assert!(store.entities("task", None)?.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn drop_tables(&self) -> Result<(), StoreError> {
        each_backend!(self, s => s.drop_tables())
    }

    /// See [`SqliteStore::definition`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::definition`].
    pub fn definition(&self, machine: &str) -> Result<stateforge_core::Definition, StoreError> {
        each_backend!(self, s => s.definition(machine))
    }

    /// See [`SqliteStore::create_dyn`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::create`].
    pub fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<serde_json::Value>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        each_backend!(self, s => s.create_dyn(entity_id, machine, meta))
    }

    /// See [`SqliteStore::load_dyn`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::load_dyn`].
    pub fn load_dyn(
        &self,
        bound: &Arc<Bound<serde_json::Value>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<serde_json::Value>>, StoreError> {
        each_backend!(self, s => s.load_dyn(bound, entity_id))
    }

    /// See [`SqliteStore::fire_dyn`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_dyn`].
    pub fn fire_dyn(
        &self,
        bound: &Arc<Bound<serde_json::Value>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<serde_json::Value>>, StoreError> {
        each_backend!(self, s => s.fire_dyn(bound, entity_id, event, args, meta))
    }

    /// See [`SqliteStore::fire_due_dyn`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_due_dyn`].
    ///
    /// ```
    /// # use stateforge_runtime::{Registry, Timestamp};
    /// # let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = stateforge_runtime::db::blocking::Store::open(":memory:")?;
    /// assert_eq!(store.fire_due_dyn(&bound, Timestamp::now(), 10)?, 0);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<serde_json::Value>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        each_backend!(self, s => s.fire_due_dyn(bound, now, limit))
    }
}

impl StoreUnit<'_, '_> {
    /// See [`SqliteUnit::create`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::create`].
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        each_unit!(self, u => u.create(entity_id, machine, meta))
    }

    /// See [`SqliteUnit::load`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::load`].
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        each_unit!(self, u => u.load(entity_id))
    }

    /// See [`SqliteUnit::fire`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire`].
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        each_unit!(self, u => u.fire(entity_id, event, meta))
    }

    /// See [`SqliteUnit::fire_with`]: the before-listeners now, the
    /// after-listeners once the unit has committed (never if it rolls
    /// back); a panic in one is caught and logged, as
    /// [`Listeners::notify`] does.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::fire_with`].
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError> {
        each_unit!(self, u => u.fire_with(listeners, entity_id, event, meta))
    }

    /// Writes an outbox message about entity `entity_id` of `machine`,
    /// committed with the unit, for an
    /// [`OutboxWorker`](super::OutboxWorker) to deliver.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// let store = stateforge_runtime::db::blocking::Store::open(":memory:")?;
    /// store.unit(|u| u.enqueue("order", "o-1", "shipped", serde_json::json!({"carrier": "ups"})))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn enqueue(
        &self,
        machine: &str,
        entity_id: &str,
        topic: &str,
        payload: serde_json::Value,
    ) -> Result<(), StoreError> {
        each_unit!(self, u => u.enqueue(machine, entity_id, topic, payload))
    }

    /// Locks the entities `entity_ids` of `machine` until the unit ends,
    /// in one order whatever the order given; a unit that fires or saves
    /// several entities should call it first. See
    /// [`PgUnit::lock_entities`](crate::db::PgUnit::lock_entities) (on
    /// PostgreSQL) and [`SqliteUnit::lock_entities`] (on SQLite, where a
    /// unit holds the whole database and this only checks the entities
    /// exist).
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for the first id (in the order given) with
    /// no entity; on PostgreSQL [`StoreError::Transient`] when a lock is
    /// held elsewhere past the lock timeout, or in a deadlock; or the
    /// database's.
    ///
    /// ```
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// use stateforge_runtime::db::{TransitionMeta, blocking::Store};
    /// let store = Store::open(":memory:")?;
    /// let meta = TransitionMeta::new();
    /// for id in ["front", "back"] {
    ///     store.create(id, &AnyDoor::from(Door::new()), &meta)?;
    /// }
    /// store.unit(|u| {
    ///     u.lock_entities("door", &["front", "back"])?;
    ///     u.fire::<AnyDoor>("back", DoorEvent::Open, &meta)?;
    ///     u.fire::<AnyDoor>("front", DoorEvent::Open, &meta)
    /// })?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn lock_entities(&self, machine: &str, entity_ids: &[&str]) -> Result<(), StoreError> {
        each_unit!(self, u => u.lock_entities(machine, entity_ids))
    }

    /// See [`SqliteUnit::save`].
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::save`].
    pub fn save<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError> {
        each_unit!(self, u => u.save(entity_id, expected_version, event, machine, meta))
    }

    /// See [`SqliteUnit::history`]: the unit's own writes included.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::history`].
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        each_unit!(self, u => u.history(query))
    }

    /// See [`SqliteUnit::entities`]: the unit's own writes included.
    ///
    /// # Errors
    ///
    /// As [`SqliteStore::entities`].
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        each_unit!(self, u => u.entities(machine, state))
    }
}
