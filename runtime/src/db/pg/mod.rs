//! The PostgreSQL store: many processes on many machines share one
//! database. The same operations, errors and schema as the SQLite store.

mod conn;
mod dynamic;
mod entity_locks;
mod listing;
mod lock_wait;
mod migrate;
mod reads;
mod redact;
mod rows;
mod sql;
mod unit;

use std::sync::{Arc, Mutex, PoisonError};

use conn::PgConn;
use serde::Serialize;
use serde::de::DeserializeOwned;
use sql::PgSql;
use stateforge_core::{Definition, Machine};

pub use redact::redact_url;
pub use unit::PgUnit;

use super::schema::{TablePrefix, Tables};
use super::shared::Keep;
use super::{DefinitionKind, HistoryQuery, Loaded, StoreError, StoreOptions, TransitionMeta};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;

type Json = serde_json::Value;

/// A store in a PostgreSQL database, with a small pool of connections.
///
/// Each connection prepares a statement once and keeps it, and
/// single-statement operations run outside `BEGIN`/`COMMIT`: connect to
/// the server itself or through a session-mode pooler. A transaction-mode
/// pooler that does not carry prepared statements across transactions
/// (PgBouncer before 1.21, or with `max_prepared_statements = 0`) fails
/// with "prepared statement ... does not exist".
///
/// Each connection runs on a small runtime of its own on the calling
/// thread, so the store's methods block: from async code, call them on a
/// blocking thread (`tokio::task::spawn_blocking`). Unlike the `postgres`
/// crate, the store does not panic when called (or dropped) in an async
/// task: wherever a tokio runtime is current (a task, or a blocking thread,
/// which tokio gives no public way to tell apart), each round trip runs on
/// a short-lived thread of its own, which costs a thread start per round
/// trip. In a task, the call still blocks the task's thread.
///
/// ```no_run
/// use stateforge_runtime::db::{PgStore, TransitionMeta};
/// let store = PgStore::connect("postgres://postgres@127.0.0.1:5432/test")?;
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub struct PgStore {
    url: String,
    pool: Mutex<Vec<PgConn>>,
    tables: Tables,
    sql: PgSql,
    /// What each new connection runs first: its lock timeout.
    session_setup: String,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &redact_url(&self.url))
            .field("tables", &self.tables.entities)
            .finish_non_exhaustive()
    }
}

/// How a unit's statements are grouped.
#[derive(Clone, Copy, PartialEq, Eq)]
enum UnitKind {
    /// One transaction.
    Transaction,
    /// One transaction whose last statement, its one write, carries the
    /// `COMMIT`.
    EndsWithWrite,
    /// Each statement its own transaction.
    Autocommit,
}

/// A connection taken from the pool, given back when dropped unless broken.
struct Pooled<'a> {
    conn: Option<PgConn>,
    pool: &'a Mutex<Vec<PgConn>>,
}

impl Drop for Pooled<'_> {
    fn drop(&mut self) {
        if let Some(mut conn) = self.conn.take()
            && conn.is_reusable()
        {
            conn.park();
            self.pool
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(conn);
        }
    }
}

impl Pooled<'_> {
    fn get(&mut self) -> &mut PgConn {
        // Present from construction to drop.
        self.conn
            .as_mut()
            .unwrap_or_else(|| unreachable!("a pooled connection is present until dropped"))
    }
}

impl PgStore {
    /// Connects to `url` and creates or migrates the schema. A statement
    /// waits at most [`PgStore::DEFAULT_LOCK_TIMEOUT`] for a lock (see
    /// [`PgStore::connect_with_options`]).
    ///
    /// # Errors
    ///
    /// When the server cannot be reached (the password redacted from the
    /// message) or holds a newer schema.
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn connect(url: &str) -> Result<PgStore, StoreError> {
        Self::connect_with(url, &TablePrefix::default())
    }

    /// Connects with a prefix for the table names, and the default
    /// [`StoreOptions`] (see [`PgStore::connect_with_options`]).
    ///
    /// # Errors
    ///
    /// As [`PgStore::connect`].
    ///
    /// ```no_run
    /// use stateforge_runtime::db::{PgStore, TablePrefix};
    /// let store = PgStore::connect_with("postgres://postgres@127.0.0.1/test", &TablePrefix::new("app_")?)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn connect_with(url: &str, prefix: &TablePrefix) -> Result<PgStore, StoreError> {
        Self::connect_with_options(url, prefix, &StoreOptions::new())
    }

    /// A pooled connection; refused on this thread while a unit of this
    /// store is open on it (the call would wait on the unit's own row
    /// locks, or read around its writes).
    fn client(&self) -> Result<Pooled<'_>, StoreError> {
        super::open_unit::check_outside(self)?;
        let conn = loop {
            let pooled = self
                .pool
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .pop();
            match pooled {
                Some(conn) if conn.still_serves() => break conn,
                // Closed on the server's side: dropped, and the next one
                // tried.
                Some(_) => {}
                None => {
                    break PgConn::connect(&self.url, &self.session_setup)
                        .map_err(|e| {
                            StoreError::Database(format!(
                                "{}: cannot start the connection's runtime: {e}",
                                redact_url(&self.url)
                            ))
                        })?
                        .map_err(|e| self.error(&e))?;
                }
            }
        };
        Ok(Pooled {
            conn: Some(conn),
            pool: &self.pool,
        })
    }

    fn error(&self, e: &tokio_postgres::Error) -> StoreError {
        let mut detail = super::error::pg_message(e);
        if e.to_string() == "invalid connection string" {
            // The driver quotes the piece it could not read, which may be
            // part of a password.
            detail = redact::hide_quoted_input(&detail);
        }
        let message = format!("{}: {detail}", redact_url(&self.url))
            .replace(&self.url, &redact_url(&self.url));
        super::error::pg_error(e, message)
    }

    /// Runs `work` as one database transaction: all of it commits, or none.
    ///
    /// Each entity the unit fires or saves stays locked until it ends. A
    /// unit that touches several entities should lock them first, in one
    /// order, with [`PgUnit::lock_entities`]: otherwise two units that
    /// take the same entities in opposite orders can deadlock, and
    /// PostgreSQL ends one of them. A deadlock, like a lock held past the
    /// lock timeout, is [`StoreError::Transient`]
    /// ([`is_retryable`](StoreError::is_retryable)): nothing was written,
    /// and running the unit again may succeed.
    ///
    /// # Errors
    ///
    /// The first error of `work`, or the server's (a broken connection is
    /// dropped from the pool; the next call reconnects).
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// # store.create("e", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// store.unit(|u| {
    ///     u.lock_entities("door", &["d", "e"])?;
    ///     u.fire::<AnyDoor>("d", DoorEvent::Open, &TransitionMeta::new())?;
    ///     u.fire::<AnyDoor>("e", DoorEvent::Open, &TransitionMeta::new())
    /// })?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn unit<T>(
        &self,
        work: impl FnOnce(&PgUnit<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.run(UnitKind::Transaction, work)
    }

    /// Runs `work`, one operation that ends with its one write, as one
    /// transaction whose `COMMIT` travels with that write: a fire by id
    /// costs two round trips, the row (with `BEGIN`) and the write (with
    /// `COMMIT`).
    fn single<T>(
        &self,
        work: impl FnOnce(&PgUnit<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.run(UnitKind::EndsWithWrite, work)
    }

    /// Runs `work` with each statement its own transaction: for operations
    /// that are one statement (a read, a versioned save), which then cost
    /// one round trip.
    fn autocommit<T>(
        &self,
        work: impl FnOnce(&PgUnit<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.run(UnitKind::Autocommit, work)
    }

    fn run<T>(
        &self,
        kind: UnitKind,
        work: impl FnOnce(&PgUnit<'_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut pooled = self.client()?;
        let _open = super::open_unit::OpenUnit::mark(self);
        let (scope, statements) = pooled.get().scope(kind != UnitKind::Autocommit);
        let unit = PgUnit::new(
            scope,
            statements,
            &self.tables,
            self,
            kind == UnitKind::EndsWithWrite,
        );
        let out = work(&unit)?;
        unit.commit()?;
        Ok(out)
    }

    pub(crate) fn pg_error(&self, e: &tokio_postgres::Error) -> StoreError {
        self.error(e)
    }

    /// See [`SqliteStore::create`](crate::db::SqliteStore::create): the
    /// same limit on entity ids
    /// ([`MAX_ENTITY_ID_BYTES`](crate::db::MAX_ENTITY_ID_BYTES), no
    /// U+0000), checked before anything reaches the server.
    ///
    /// # Errors
    ///
    /// As there.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// store.create("d2", &AnyDoor::from(Door::new(0)), &TransitionMeta::new().session("s-1"))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn create<M: Machine + Serialize>(
        &self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.unit(|u| u.create(entity_id, machine, meta))
    }

    /// See [`SqliteStore::load`](crate::db::SqliteStore::load).
    ///
    /// # Errors
    ///
    /// As there.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// let loaded = store.load::<AnyDoor>("d")?;
    /// println!("{:?} at version {}", loaded.machine, loaded.version);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn load<M: Machine + DeserializeOwned>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        self.autocommit(|u| u.load(entity_id))
    }

    /// See [`SqliteStore::fire`](crate::db::SqliteStore::fire). The row is
    /// locked while the event fires, so the event applies to the state the
    /// entity is in and never fails with a conflict. Two round trips once
    /// the pooled connection has prepared its statements (its first fire
    /// prepares them all, in one more): the row, read `FOR UPDATE` and sent with `BEGIN`,
    /// then the write (one statement) sent with `COMMIT`. Code that holds a loaded machine
    /// saves in one with [`PgStore::save`].
    ///
    /// # Errors
    ///
    /// As there.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// let moved = store.fire::<AnyDoor>("d", DoorEvent::Open, &TransitionMeta::new().actor("ada"))?;
    /// assert_eq!(moved.machine.state(), DoorState::Open);
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire<M: Machine + Serialize + DeserializeOwned>(
        &self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        self.single(|u| u.fire(entity_id, event, meta))
    }

    /// See [`SqliteStore::fire_with`](crate::db::SqliteStore::fire_with).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn fire_with<M: Machine + Serialize + DeserializeOwned>(
        &self,
        listeners: &Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError> {
        let fired = self.single(|u| u.fire_with(listeners, entity_id, event, meta))?;
        listeners.notify(&fired.info(meta), &fired.loaded.machine);
        Ok(fired.loaded)
    }

    /// See [`SqliteStore::save`](crate::db::SqliteStore::save). Here the
    /// save is one statement and one round trip: the version, the session
    /// and the transition are checked by the statement itself.
    ///
    /// # Errors
    ///
    /// As there.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// let loaded = store.load::<AnyDoor>("d")?;
    /// let next = loaded.machine.fire(DoorEvent::Open).expect("closed doors open");
    /// let version = store.save("d", loaded.version, "open", &next, &TransitionMeta::new())?;
    /// assert_eq!(version, loaded.version + 1);
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
        self.autocommit(|u| u.save(entity_id, expected_version, event, machine, meta))
    }

    /// See [`SqliteStore::history`](crate::db::SqliteStore::history).
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// use stateforge_runtime::db::HistoryQuery;
    /// for record in store.history(&HistoryQuery::entity("door", "d"))? {
    ///     println!("{:?} -> {}", record.from, record.to);
    /// }
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn history(&self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        self.autocommit(|u| u.history(query))
    }

    /// See [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due):
    /// here due timers are claimed with `FOR UPDATE SKIP LOCKED`, so
    /// workers in many processes never fire one twice.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// let fired = store.fire_due::<AnyDoor>(stateforge_runtime::Timestamp::now(), 100)?;
    /// println!("{fired} timers fired");
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.unit(|u| u.fire_due::<M>(now, limit))
    }

    /// See [`SqliteStore::next_due`](crate::db::SqliteStore::next_due).
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// # store.create("d", &AnyDoor::from(Door::new(0)), &TransitionMeta::new())?;
    /// if let Some(due) = store.next_due("door")? {
    ///     println!("next timer at {} µs", due.as_micros());
    /// }
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn next_due(&self, machine: &str) -> Result<Option<Timestamp>, StoreError> {
        self.autocommit(|u| u.next_due(machine))
    }

    /// When the first timer of `machine` due after `after` is due.
    // For `Store`'s timer worker, which needs the `sqlite` feature too.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn next_due_after(
        &self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.autocommit(|u| u.next_due_after(machine, after))
    }

    /// See [`SqliteStore::save_definition`](crate::db::SqliteStore::save_definition).
    ///
    /// # Errors
    ///
    /// The server's.
    pub fn save_definition(&self, definition: &Definition) -> Result<(), StoreError> {
        self.autocommit(|u| {
            u.keep_definition(
                definition,
                DefinitionKind::Dynamic,
                Timestamp::now(),
                Keep::AsLatest,
            )
        })
    }

    /// See [`SqliteStore::kept_definition`](crate::db::SqliteStore::kept_definition).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn kept_definition(
        &self,
        machine: &str,
    ) -> Result<(Definition, DefinitionKind), StoreError> {
        self.autocommit(|u| u.kept_definition(machine))
    }

    /// See [`SqliteStore::definition`](crate::db::SqliteStore::definition).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn definition(&self, machine: &str) -> Result<Definition, StoreError> {
        self.kept_definition(machine).map(|(d, _)| d)
    }

    /// See [`SqliteStore::create_dyn`](crate::db::SqliteStore::create_dyn).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn create_dyn(
        &self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        self.unit(|u| u.create_dyn(entity_id, machine, meta))
    }

    /// See [`SqliteStore::load_dyn`](crate::db::SqliteStore::load_dyn).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn load_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        self.autocommit(|u| u.load_dyn(bound, entity_id))
    }

    /// See [`SqliteStore::fire_dyn`](crate::db::SqliteStore::fire_dyn).
    ///
    /// # Errors
    ///
    /// As there.
    pub fn fire_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        self.single(|u| u.fire_dyn(bound, entity_id, event, args, meta))
    }

    /// See [`SqliteStore::fire_due_dyn`](crate::db::SqliteStore::fire_due_dyn):
    /// timers are claimed as [`PgStore::fire_due`] claims them.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// use stateforge_runtime::{Registry, Timestamp, db::PgStore};
    /// let bound = Registry::new().guard("can_retry", |_: &serde_json::Value, _| true)
    ///     .bind(stateforge_core::Definition::example()).unwrap();
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let fired = store.fire_due_dyn(&bound, Timestamp::now(), 100)?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due_dyn(
        &self,
        bound: &Arc<Bound<Json>>,
        now: Timestamp,
        limit: usize,
    ) -> Result<usize, StoreError> {
        self.unit(|u| u.fire_due_dyn(bound, now, limit))
    }

    /// See [`Store::drop_tables`](crate::db::blocking::Store::drop_tables): this
    /// store's tables, and their rows, dropped.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// let store = stateforge_runtime::db::PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// store.drop_tables()?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn drop_tables(&self) -> Result<(), StoreError> {
        let t = &self.tables;
        let mut pooled = self.client()?;
        // Statements prepared on the dropped tables must not be reused.
        // The connections are closed outside the lock: each waits for
        // its goodbye.
        let idle = std::mem::take(&mut *self.pool.lock().unwrap_or_else(PoisonError::into_inner));
        drop(idle);
        let (mut scope, statements) = pooled.get().scope(false);
        statements.clear();
        scope
            .batch_execute(&format!(
                "DROP TABLE IF EXISTS {}, {}, {}, {}, {}",
                t.entities, t.history, t.timers, t.definitions, t.meta
            ))
            .map_err(|e| self.error(&e))
    }
}
