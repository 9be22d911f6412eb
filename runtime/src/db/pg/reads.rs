//! [`PgUnit`]'s history reads and timers.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Definition, Machine};

use super::PgUnit;
use super::rows::{ENTITY_COLUMNS, entity_row, history_record};
use crate::db::due::{DueCount, DueCursor, DueTimer, Taken, TimerStep, fire_pages};
use crate::db::entity_id::check_entity_id;
use crate::db::history_sql::history_sql;
use crate::db::{EntityRow, HistoryQuery, StoreError, TransitionMeta};
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
        if let Some(entity_id) = &q.entity_id {
            check_entity_id(entity_id)?;
        }
        let built = history_sql(&self.tables.history, q, |n| format!("${n}"));
        let rows = self.query(&built.sql, &built.pg_params())?;
        rows.iter().map(history_record).collect()
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
        // The timer and its entity are locked together, in the order a
        // transition locks them (the entity, then its timers, which its
        // statement replaces): claiming the timer first and then waiting
        // for the entity could deadlock with a transition of the entity.
        // A timer whose entity is locked is left to a later call.
        let entity_columns = ENTITY_COLUMNS
            .split(", ")
            .map(|c| format!("e.{c}"))
            .collect::<Vec<_>>()
            .join(", ");
        let claim_sql = format!(
            "SELECT {entity_columns}, t.id, t.entity_id, t.state, t.event, t.due_at
             FROM {tm} AS t JOIN {e} AS e ON e.machine = t.machine AND e.entity_id = t.entity_id
             WHERE t.machine = $1 AND t.due_at <= $2 AND (t.due_at, t.id) > ($3, $4)
             ORDER BY t.due_at, t.id LIMIT $5
             FOR UPDATE OF t, e SKIP LOCKED",
            tm = t.timers,
            e = t.entities,
        );
        let claim = |after: DueCursor, at_most: usize| {
            let rows = self.query(
                &claim_sql,
                &[
                    &def.name(),
                    &now.as_micros(),
                    &after.due_at,
                    &after.id,
                    &i64::try_from(at_most).unwrap_or(i64::MAX),
                ],
            )?;
            Ok(rows
                .iter()
                .map(|r| {
                    let timer = DueTimer {
                        id: r.get(9),
                        entity_id: r.get(10),
                        state: r.get(11),
                        event: r.get(12),
                        due_at: r.get(13),
                    };
                    (timer, entity_row(r))
                })
                .collect())
        };
        // The claim's join passes over a timer whose entity row is gone
        // (deleted past the store): such timers are used up here, as
        // SQLite's path uses them up one by one, so that they neither
        // stay due for ever nor hold up `next_due`. Locked ones are left.
        let orphans = self.execute(
            &format!(
                "DELETE FROM {tm} WHERE id IN (
                   SELECT t.id FROM {tm} AS t
                   WHERE t.machine = $1 AND t.due_at <= $2
                     AND NOT EXISTS (SELECT 1 FROM {e} AS e WHERE e.machine = t.machine AND e.entity_id = t.entity_id)
                   ORDER BY t.due_at, t.id LIMIT $3
                   FOR UPDATE SKIP LOCKED)",
                tm = t.timers,
                e = t.entities,
            ),
            &[
                &def.name(),
                &now.as_micros(),
                &i64::try_from(limit).unwrap_or(i64::MAX),
            ],
        )?;
        let orphans = usize::try_from(orphans).unwrap_or(usize::MAX);
        let limit = limit.saturating_sub(orphans);
        let delete_sql = format!("DELETE FROM {} WHERE id = $1", t.timers);
        let take = |timer: DueTimer, row: Result<EntityRow, StoreError>| {
            // One row that does not read must not stop the machine's other
            // timers: the timer is kept, as for a row that does not restore.
            let row = match row {
                Ok(row) => row,
                Err(error) => {
                    tracing::warn!(event = %timer.event, %error,
                        "timer's entity row cannot be read; the timer is kept");
                    return Ok(Taken::Left);
                }
            };
            // The row was read with the page: if a timer earlier on the
            // page moved the entity, that transition deleted this timer,
            // and the `DELETE` below finds nothing.
            let step = step(&timer, Some(row));
            if let TimerStep::Kept = step {
                return Ok(Taken::Left);
            }
            if self.execute(&delete_sql, &[&timer.id])? == 0 {
                return Ok(Taken::Left);
            }
            let TimerStep::Fire {
                version, stored, ..
            } = step
            else {
                return Ok(Taken::UsedUp);
            };
            let meta = TransitionMeta::new().actor("timer").cross_session();
            // The timer is deleted: were the unit to commit without its
            // transition, it would be lost. (A failed statement ends the
            // transaction anyway; this is for the errors that are not one.)
            self.write_stored(def, &timer.entity_id, version, &timer.event, stored, &meta)
                .map_err(|e| self.broke(e))?;
            Ok(Taken::Fired)
        };
        let mut count = fire_pages(limit, claim, take)?;
        count.used = count.used.saturating_add(orphans);
        Ok(count)
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
        let row = self.query_opt(
            &format!(
                "SELECT MIN(due_at) FROM {} WHERE machine = $1 AND due_at > $2",
                self.tables.timers
            ),
            &[&machine, &after.as_micros()],
        )?;
        Ok(row
            .and_then(|r| r.get::<_, Option<i64>>(0))
            .map(Timestamp::from_micros))
    }
}
