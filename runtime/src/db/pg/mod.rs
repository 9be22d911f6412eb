//! The PostgreSQL store: many processes on many machines share one
//! database. The same operations, errors and schema as the SQLite store.

mod dynamic;
mod entity_locks;
mod listing;
mod lock_wait;
mod mapped;
mod migrate;
mod reads;
mod runtime;
mod unit;

use std::future::Future;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

pub use unit::PgUnit;

use super::any_backend::AnyConnection;
use super::backend::Scope;
use super::open_unit::{OpenUnit, check_outside};
use super::ops::Work;
use super::schema::TablePrefix;
use super::{HistoryQuery, Loaded, Store, StoreError, StoreOptions, TransitionMeta};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;
use runtime::OwnRuntime;

/// A store in a PostgreSQL database, with a small pool of connections:
/// the async [`Store`] on PostgreSQL, each call run to its end.
///
/// Each connection prepares a statement once and keeps it: connect to
/// the server itself or through a session-mode pooler. A transaction-mode
/// pooler that does not carry prepared statements across transactions
/// (PgBouncer before 1.21, or with `max_prepared_statements = 0`) fails
/// with "prepared statement ... does not exist".
///
/// The store runs its connections on a runtime of its own, a worker
/// thread per core. `fire`, `fire_with` and `load` run there whole, as a
/// task, while the calling thread waits once for the answer, so threads
/// calling at once each have their call in progress; the other operations
/// and a unit's are polled on the calling thread while the workers drive
/// their I/O. The store's methods block: from async code, call them on a
/// blocking thread (`tokio::task::spawn_blocking`), or use the async
/// [`Store`]. Unlike the `postgres` crate, the store does not panic when
/// called (or dropped) in an async task, but the call blocks the task's
/// thread. `fire`, `fire_with` and `load` ask the machine and its event
/// to be `Send` (and the machine `Sync`), as the async store does, since
/// they run on another thread.
///
/// Dropped, the store closes its connections, each with a goodbye to the
/// server.
///
/// ```no_run
/// use stateforge_runtime::db::{PgStore, TransitionMeta};
/// let store = PgStore::connect("postgres://postgres@127.0.0.1:5432/test")?;
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
pub struct PgStore {
    /// Present until dropped, when it is closed on the runtime.
    store: Option<Store>,
    /// The URL, its password redacted.
    shown: String,
    runtime: OwnRuntime,
}

impl std::fmt::Debug for PgStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgStore")
            .field("url", &self.shown)
            .finish_non_exhaustive()
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        // A pool merely dropped closes its connections without a goodbye,
        // which the server logs as connections reset.
        if let Some(store) = self.store.take() {
            self.runtime.block_on(async move {
                store.close().await;
                drop(store);
            });
        }
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

    /// The async store; present until dropped.
    fn store(&self) -> &Store {
        self.store
            .as_ref()
            .unwrap_or_else(|| unreachable!("a PgStore's store is present until dropped"))
    }

    /// Runs `call` on the async store to its end; refused on this thread
    /// while a unit of this store is open on it (the call would wait on
    /// the unit's own row locks, or read around its writes).
    fn call<T>(
        &self,
        call: impl AsyncFnOnce(&Store) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        self.runtime.block_on(call(self.store()))
    }

    /// Runs `op` on a connection for `scope`, committed when it succeeds:
    /// what the async store's typed methods do, without the `Send` bounds
    /// they put on machines for futures that move between threads.
    pub(crate) fn run<T>(
        &self,
        scope: Scope,
        op: impl AsyncFnOnce(&mut Work<AnyConnection>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        check_outside(self)?;
        self.runtime.block_on(self.store().run(scope, op))
    }

    /// Runs `call` as a task of the store's runtime: its round trips
    /// never wake this thread, which waits once for the answer. `call`
    /// owns what it needs (the store is a handle on the same pool).
    fn spawned<T, F>(&self, call: impl FnOnce(Store) -> F) -> Result<T, StoreError>
    where
        T: Send + 'static,
        F: Future<Output = Result<T, StoreError>> + Send + 'static,
    {
        check_outside(self)?;
        self.runtime.spawn_wait(call(self.store().clone()))
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
        check_outside(self)?;
        let _open = OpenUnit::mark(self);
        let begun = self.runtime.block_on(self.store().begin());
        let unit = PgUnit::new(begun?, self);
        // On an error the unit is rolled back; on a panic it is dropped,
        // which rolls it back too.
        match work(&unit) {
            Ok(out) => unit.commit().map(|()| out),
            Err(e) => {
                unit.rollback();
                Err(e)
            }
        }
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
        self.run(Scope::Unit, async |w| {
            w.create(entity_id, machine, meta).await
        })
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
    pub fn load<M: Machine + DeserializeOwned + Send>(
        &self,
        entity_id: &str,
    ) -> Result<Loaded<M>, StoreError> {
        let entity_id = entity_id.to_owned();
        self.spawned(move |store| async move {
            store
                .run(Scope::Read, async |w| w.load::<M>(&entity_id).await)
                .await
        })
    }

    /// See [`SqliteStore::fire`](crate::db::SqliteStore::fire). The row is
    /// locked while the event fires (a unit: `BEGIN`, the row read `FOR
    /// UPDATE`, the write as one statement, `COMMIT`), so the event
    /// applies to the state the entity is in and never fails with a
    /// conflict. Code that holds a loaded machine saves without a
    /// transaction with [`PgStore::save`]; the async
    /// [`Store::fire`](crate::db::Store::fire) fires without a lock, in
    /// two round trips, retrying on a conflict.
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
        self.fire_with(&Listeners::new(), entity_id, event, meta)
    }

    /// See [`SqliteStore::fire_with`](crate::db::SqliteStore::fire_with).
    ///
    /// # Errors
    ///
    /// As there.
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
        let (shared, id, owned_meta) = (listeners.share(), entity_id.to_owned(), meta.clone());
        let fired = self.spawned(move |store| async move {
            store
                .run(Scope::Unit, async |w| {
                    w.fire_with(&shared, &id, event, &owned_meta).await
                })
                .await
        })?;
        if !fired.replayed {
            listeners.notify(&fired.info(meta), &fired.loaded.machine);
        }
        Ok(fired.loaded)
    }

    /// See [`SqliteStore::save`](crate::db::SqliteStore::save). Here the
    /// save takes no transaction: the row is read to check it, and the
    /// write, one statement, checks the version read.
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
        self.run(Scope::Single, async |w| {
            w.save(entity_id, expected_version, event, machine, meta)
                .await
        })
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
        self.call(async |s| s.history(query).await)
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
        self.run(Scope::Unit, async |w| w.fire_due::<M>(now, limit).await)
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
        self.call(async |s| s.next_due(machine).await)
    }

    /// When the first timer of `machine` due after `after` is due.
    // For `Store`'s timer worker, which needs the `sqlite` feature too.
    #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
    pub(crate) fn next_due_after(
        &self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.call(async |s| s.next_due_after(machine, after).await)
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
        self.call(async |s| s.drop_tables().await)
    }
}
