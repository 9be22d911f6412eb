//! [`PgUnit`]'s history reads and timers.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::PgUnit;
use crate::db::due::{DueCount, DueTimer, TimerStep};
use crate::db::ops::Reshape;
use crate::db::{EntityRow, HistoryQuery, StoreError};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

impl PgUnit<'_> {
    /// History records matching `query`, oldest first.
    ///
    /// # Errors
    ///
    /// The server's; [`StoreError::BadRow`] for a record that does not
    /// read, naming its entity.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// use stateforge_runtime::db::HistoryQuery;
    /// let records = store.unit(|u| u.history(&HistoryQuery::entity("door", "d")))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn history(&self, q: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        self.run(async |w| w.history(q).await)
    }

    /// Claims due timers with `FOR UPDATE SKIP LOCKED` and fires them; see
    /// [`SqliteStore::fire_due`](crate::db::SqliteStore::fire_due).
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// let now = stateforge_runtime::Timestamp::now();
    /// let fired = store.unit(|u| u.fire_due::<AnyDoor>(now, 10))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn fire_due<M>(&self, now: Timestamp, limit: usize) -> Result<usize, StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.run(async |w| w.fire_due::<M>(now, limit).await)
    }

    /// Fires the due timers of `def`'s machine, each as `step` decides
    /// (`TimerStep::of` for a typed machine, `of_dyn` for a dynamic one),
    /// saying how much of the limit it used.
    pub(crate) fn fire_due_by(
        &self,
        def: &Definition,
        now: Timestamp,
        limit: usize,
        step: impl Fn(&DueTimer, Option<EntityRow>) -> TimerStep + Send,
        reshape: Reshape<'_>,
    ) -> Result<DueCount, StoreError> {
        self.run(async |w| w.fire_due_by(def, now, limit, step, reshape).await)
    }

    /// When the next timer of `machine` is due.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { context: u8; initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; event shut: Open -> Closed after 60s; } }
    /// use stateforge_runtime::db::{PgStore, TransitionMeta};
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let meta = TransitionMeta::new();
    /// let due = store.unit(|u| u.next_due("door"))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn next_due(&self, machine: &str) -> Result<Option<Timestamp>, StoreError> {
        self.next_due_after(machine, Timestamp::from_micros(i64::MIN))
    }

    /// When the first timer of `machine` due after `after` is due.
    pub(crate) fn next_due_after(
        &self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<Timestamp>, StoreError> {
        self.run(async |w| w.next_due(machine, after).await)
    }
}
