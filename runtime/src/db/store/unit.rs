//! The async unit of work: a transaction the caller drives.

use std::sync::Arc;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use crate::db::any_backend::AnyConnection;
use crate::db::ops::Work;
use crate::db::{
    EntityPage, EntityQuery, EntityRow, Fired, HistoryQuery, Loaded, StoreError, TransitionMeta,
};
use crate::dynamic::{Args, Bound, DynMachine};
use crate::history::HistoryRecord;
use crate::listener::Listeners;
use crate::time::Timestamp;

type Json = serde_json::Value;

/// A unit of work ([`Store::begin`](crate::db::Store::begin)): what its
/// operations write commits with [`StoreUnit::commit`], or not at all. A
/// unit dropped without a commit (an error returned with `?`, a request
/// cancelled, a panic) is rolled back, and its connection stays sound.
///
/// Its operations read their rows locked until the unit ends: a unit
/// that moves several entities on PostgreSQL should lock them first, in
/// one order ([`StoreUnit::lock_entities`]), so that two such units
/// cannot deadlock. On SQLite a unit holds the database's write lock from
/// its start.
///
/// An operation that failed after writing part of its changes leaves the
/// unit unable to commit: its [`commit`](StoreUnit::commit) rolls back
/// and says why.
pub struct StoreUnit<'c> {
    work: UnitWork<'c>,
    backend: &'static str,
    /// The after-listeners of the unit's transitions, told once it has
    /// committed, in order.
    after: Vec<Notice<'c>>,
}

/// Tells a transition's after-listeners.
type Notice<'c> = Box<dyn FnOnce() + Send + 'c>;

/// A unit's connection: the store's own, or the application's
/// transaction. The operations are the same on either.
enum UnitWork<'c> {
    Owned(Work<AnyConnection>),
    #[cfg(feature = "postgres")]
    Application(Work<crate::db::postgres::PgConnection<'c>>),
    /// Without PostgreSQL nothing is borrowed: this cannot be built.
    #[cfg(not(feature = "postgres"))]
    #[allow(dead_code)]
    Never(std::convert::Infallible, std::marker::PhantomData<&'c ()>),
}

/// Runs `$body` with `$w` the unit's work, whichever connection it has.
macro_rules! on_work {
    ($unit:expr, $w:ident => $body:expr) => {
        match &mut $unit.work {
            UnitWork::Owned($w) => $body,
            #[cfg(feature = "postgres")]
            UnitWork::Application($w) => $body,
            #[cfg(not(feature = "postgres"))]
            UnitWork::Never(never, _) => match *never {},
        }
    };
}

impl std::fmt::Debug for StoreUnit<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StoreUnit")
            .field("backend", &self.backend)
            .finish_non_exhaustive()
    }
}

impl StoreUnit<'static> {
    pub(crate) fn owned(work: Work<AnyConnection>, backend: &'static str) -> Self {
        StoreUnit {
            work: UnitWork::Owned(work),
            backend,
            after: Vec::new(),
        }
    }
}

impl<'c> StoreUnit<'c> {
    #[cfg(feature = "postgres")]
    pub(crate) fn application(work: Work<crate::db::postgres::PgConnection<'c>>) -> Self {
        StoreUnit {
            work: UnitWork::Application(work),
            backend: "postgres",
            after: Vec::new(),
        }
    }

    /// Commits everything the unit wrote.
    ///
    /// # Errors
    ///
    /// [`StoreError::Database`] when an operation failed halfway (the unit
    /// is rolled back instead), or the database's.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// store.begin().await?.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn commit(self) -> Result<(), StoreError> {
        match self.work {
            UnitWork::Owned(work) => work.commit().await?,
            #[cfg(feature = "postgres")]
            UnitWork::Application(work) => work.commit().await?,
            #[cfg(not(feature = "postgres"))]
            UnitWork::Never(never, _) => match never {},
        }
        // Durable now (in the application's transaction: as durable as
        // the store can tell).
        for notice in self.after {
            notice();
        }
        Ok(())
    }

    /// Rolls the unit back: nothing it wrote stays. Dropping the unit does
    /// the same.
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let mut unit = store.begin().await?;
    /// unit.create("d", &AnyDoor::from(Door::new()), &TransitionMeta::new()).await?;
    /// unit.rollback();
    /// assert!(matches!(store.load::<AnyDoor>("d").await, Err(StoreError::NotFound { .. })));
    /// # Ok(())
    /// # }
    /// ```
    pub fn rollback(self) {
        drop(self);
    }

    /// [`Store::create`](crate::db::Store::create), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`Store::create`](crate::db::Store::create).
    pub async fn create<M>(
        &mut self,
        entity_id: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError>
    where
        M: Machine + Serialize + Sync,
    {
        on_work!(self, w => w.create(entity_id, machine, meta).await)
    }

    /// [`Store::load`](crate::db::Store::load), inside the unit: its own
    /// writes included.
    ///
    /// # Errors
    ///
    /// As [`Store::load`](crate::db::Store::load).
    pub async fn load<M>(&mut self, entity_id: &str) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + DeserializeOwned + Send,
    {
        on_work!(self, w => w.load::<M>(entity_id).await)
    }

    /// [`Store::fire`](crate::db::Store::fire), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`Store::fire`](crate::db::Store::fire).
    pub async fn fire<M>(
        &mut self,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Loaded<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: Send,
    {
        let listeners = Listeners::new();
        let fired = on_work!(self, w => w.fire_with(&listeners, entity_id, event, meta).await)?;
        Ok(fired.loaded)
    }

    /// Fires with `listeners`: before-listeners now (a veto fails the call
    /// and writes nothing), after-listeners once the unit has committed
    /// (a unit rolled back tells them nothing). Returns the transition.
    ///
    /// # Errors
    ///
    /// As [`Store::fire_with`](crate::db::Store::fire_with).
    ///
    /// ```
    /// # use stateforge_runtime::{Listeners, db::{Store, StoreError, TransitionMeta}};
    /// # stateforge::state_machine! { #[derive(Debug, Clone)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let (meta, listeners) = (TransitionMeta::new(), Listeners::<AnyDoor>::new());
    /// let mut unit = store.begin().await?;
    /// unit.create("d", &AnyDoor::from(Door::new()), &meta).await?;
    /// let fired = unit.fire_with(&listeners, "d", DoorEvent::Open, &meta).await?;
    /// assert_eq!((fired.from, fired.to), ("closed", "open"));
    /// unit.commit().await?; // the after-listeners hear of it now
    /// # Ok(())
    /// # }
    /// ```
    pub async fn fire_with<M>(
        &mut self,
        listeners: &'c Listeners<M>,
        entity_id: &str,
        event: M::Event,
        meta: &TransitionMeta,
    ) -> Result<Fired<M>, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync + 'c,
        M::Event: Send,
    {
        let fired = on_work!(self, w => w.fire_with(listeners, entity_id, event, meta).await)?;
        if let Some(notice) = crate::db::notice::after_commit(listeners, &fired, meta)? {
            self.after.push(Box::new(notice));
        }
        Ok(fired)
    }

    /// Writes an outbox message for `entity_id` of `machine` in the
    /// unit's transaction: it is delivered (by an
    /// [`OutboxWorker`](crate::db::OutboxWorker)) only if the unit
    /// commits, after the entity's earlier messages.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::{Store, StoreError};
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let mut unit = store.begin().await?;
    /// unit.enqueue("order", "o-1", "shipped", serde_json::json!({"carrier": "ups"})).await?;
    /// unit.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn enqueue(
        &mut self,
        machine: &str,
        entity_id: &str,
        topic: &str,
        payload: serde_json::Value,
    ) -> Result<(), StoreError> {
        let messages = [(topic.to_owned(), payload)];
        on_work!(self, w => w.send_messages(machine, entity_id, &messages).await)
    }

    /// Runs the application's own `statements` in the unit's transaction,
    /// on a SQLite store: they commit or roll back with the unit's
    /// transitions, history records, timers and outbox messages. They run
    /// where the store runs its own, on its connection's thread (nothing
    /// blocks the caller's executor), and their result comes back here.
    ///
    /// An error they return (or a panic) leaves the unit unable to
    /// commit: its [`commit`](StoreUnit::commit) rolls everything back
    /// and says so. Handle an error you mean to recover from inside the
    /// closure. The error type is the caller's, one that a
    /// [`StoreError`] converts into ([`StoreError`] itself keeps the
    /// `rusqlite` error as its source, and its code). The statements
    /// must not end the transaction (`COMMIT`, `ROLLBACK`): that is the
    /// unit's.
    ///
    /// # Errors
    ///
    /// The statements' own; [`StoreError::Database`] (converted into `E`)
    /// on a store that is not on SQLite (on PostgreSQL, run the store in
    /// the application's transaction instead, with
    /// [`Store::unit_in`](crate::db::Store::unit_in)), or when they ended
    /// the transaction or panicked.
    ///
    /// ```
    /// use stateforge_runtime::db::{Store, StoreError, TransitionMeta};
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let meta = TransitionMeta::new();
    /// store.create("front", &AnyDoor::from(Door::new()), &meta).await?;
    ///
    /// // The application's table, made by its own migration.
    /// let mut unit = store.begin().await?;
    /// unit.sqlite(|conn| {
    ///     conn.execute_batch("CREATE TABLE audit (what TEXT NOT NULL)")
    ///         .map_err(StoreError::from)
    /// })
    /// .await?;
    /// unit.commit().await?;
    ///
    /// // The door and the audit row, in one transaction.
    /// let mut unit = store.begin().await?;
    /// unit.fire::<AnyDoor>("front", DoorEvent::Open, &meta).await?;
    /// let name = String::from("opened the door");
    /// unit.sqlite(move |conn| {
    ///     conn.execute("INSERT INTO audit (what) VALUES (?1)", [name])
    ///         .map_err(StoreError::from)
    /// })
    /// .await?;
    /// unit.commit().await?;
    ///
    /// let mut unit = store.begin().await?;
    /// let rows: i64 = unit
    ///     .sqlite(|conn| {
    ///         conn.query_row("SELECT count(*) FROM audit", [], |r| r.get(0))
    ///             .map_err(StoreError::from)
    ///     })
    ///     .await?;
    /// assert_eq!(rows, 1);
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "sqlite")]
    pub async fn sqlite<T, E, F>(&mut self, statements: F) -> Result<T, E>
    where
        T: Send + 'static,
        E: From<StoreError> + Send + 'static,
        F: FnOnce(&rusqlite::Connection) -> Result<T, E> + Send + 'static,
    {
        let work = match &mut self.work {
            UnitWork::Owned(work) => work,
            #[cfg(feature = "postgres")]
            UnitWork::Application(_) => return Err(E::from(not_on_sqlite())),
            #[cfg(not(feature = "postgres"))]
            UnitWork::Never(never, _) => match *never {},
        };
        // Without PostgreSQL there is one kind of connection to match.
        #[cfg_attr(
            not(feature = "postgres"),
            allow(clippy::infallible_destructuring_match)
        )]
        let conn = match &mut work.conn {
            AnyConnection::Sqlite(conn) => conn,
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres(_) => return Err(E::from(not_on_sqlite())),
        };
        match conn.run_application(statements).await {
            Ok(Ok(out)) => Ok(out),
            Ok(Err(error)) => {
                // What they wrote before failing is in the transaction.
                work.broke(StoreError::Database(
                    "the application's statements failed".into(),
                ));
                Err(error)
            }
            Err(error) => Err(E::from(work.broke(error))),
        }
    }

    /// [`Store::save`](crate::db::Store::save), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`Store::save`](crate::db::Store::save).
    pub async fn save<M>(
        &mut self,
        entity_id: &str,
        expected_version: u64,
        event: &str,
        machine: &M,
        meta: &TransitionMeta,
    ) -> Result<u64, StoreError>
    where
        M: Machine + Serialize + Sync,
    {
        on_work!(self, w => w.save(entity_id, expected_version, event, machine, meta).await)
    }

    /// Locks the entities until the unit ends, all in one order, so that
    /// units moving several of them never deadlock; call it first.
    ///
    /// # Errors
    ///
    /// [`StoreError::NotFound`] for the first id (in the order given)
    /// with no entity; or the database's.
    pub async fn lock_entities(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> Result<(), StoreError> {
        on_work!(self, w => w.lock_entities(machine, entity_ids).await)
    }

    /// [`Store::history`](crate::db::Store::history), inside the unit.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn history(
        &mut self,
        query: &HistoryQuery,
    ) -> Result<Vec<HistoryRecord>, StoreError> {
        on_work!(self, w => w.history(query).await)
    }

    /// [`Store::entities`](crate::db::Store::entities), inside the unit.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn entities(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        on_work!(self, w => w.entities(machine, state).await)
    }

    /// [`Store::entity_page`](crate::db::Store::entity_page), inside the
    /// unit: its own writes included.
    ///
    /// # Errors
    ///
    /// The database's; [`StoreError::TableMapping`] for a machine kept in
    /// the application's own table.
    ///
    /// ```
    /// use stateforge_runtime::db::{EntityQuery, Store, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; final state Open; event open: Closed -> Open; } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = Store::in_memory().await?;
    /// let mut unit = store.begin().await?;
    /// unit.create("d-1", &AnyDoor::from(Door::new()), &TransitionMeta::new()).await?;
    /// let page = unit.entity_page(&EntityQuery::machine("door")).await?;
    /// assert_eq!(page.entities.len(), 1);
    /// unit.commit().await?;
    /// # Ok(())
    /// # }
    /// ```
    pub async fn entity_page(&mut self, query: &EntityQuery) -> Result<EntityPage, StoreError> {
        on_work!(self, w => w.entity_page(query).await)
    }

    /// [`Store::fire_due`](crate::db::Store::fire_due), inside the unit.
    ///
    /// # Errors
    ///
    /// The database's.
    pub async fn fire_due<M>(&mut self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: DeserializeOwned + Send,
    {
        on_work!(self, w => w.fire_due::<M>(now, limit).await)
    }

    /// [`Store::create_dyn`](crate::db::Store::create_dyn), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`Store::create`](crate::db::Store::create).
    pub async fn create_dyn(
        &mut self,
        entity_id: &str,
        machine: &DynMachine<Json>,
        meta: &TransitionMeta,
    ) -> Result<Loaded<()>, StoreError> {
        on_work!(self, w => w.create_dyn(entity_id, machine, meta).await)
    }

    /// [`Store::fire_dyn`](crate::db::Store::fire_dyn), inside the unit.
    ///
    /// # Errors
    ///
    /// As [`Store::fire_dyn`](crate::db::Store::fire_dyn).
    pub async fn fire_dyn(
        &mut self,
        bound: &Arc<Bound<Json>>,
        entity_id: &str,
        event: &str,
        args: &Args,
        meta: &TransitionMeta,
    ) -> Result<Loaded<DynMachine<Json>>, StoreError> {
        on_work!(self, w => w.fire_dyn(bound, entity_id, event, args, meta).await)
    }
}

/// Why [`StoreUnit::sqlite`] cannot run on a PostgreSQL unit.
#[cfg(all(feature = "sqlite", feature = "postgres"))]
fn not_on_sqlite() -> StoreError {
    StoreError::Database(
        "this unit is on PostgreSQL: run the application's statements in its own transaction, \
         and the store there with Store::unit_in"
            .into(),
    )
}
