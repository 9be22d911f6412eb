//! [`PgUnit`]'s reads (history, entities) and timers.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::PgUnit;
use super::unit::{ENTITY_COLUMNS, entity_row};
use crate::db::history_sql::history_sql;
use crate::db::shared::restore;
use crate::db::{EntityRow, HistoryQuery, Loaded, StoreError, TransitionMeta};
use crate::history::{HistoryRecord, Timestamp};
use crate::stored::to_stored;

type Json = serde_json::Value;

impl PgUnit<'_> {
    /// History records matching `query`, oldest first.
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
    /// use stateforge_runtime::db::HistoryQuery;
    /// let records = store.unit(|u| u.history(&HistoryQuery::entity("door", "d")))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn history(&self, q: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        let built = history_sql(&self.tables.history, q, |n| format!("${n}"));
        let rows = self.query(&built.sql, &built.pg_params())?;
        Ok(rows
            .iter()
            .map(|r| {
                let metadata: String = r.get(9);
                HistoryRecord {
                    machine: r.get(0),
                    entity_id: r.get(1),
                    from: r.get(2),
                    to: r.get(3),
                    event: r.get(4),
                    reason: r.get(5),
                    actor: r.get(6),
                    session: r.get(7),
                    at: Timestamp::from_micros(r.get(8)),
                    metadata: serde_json::from_str(&metadata).unwrap_or(Json::String(metadata)),
                    version: u64::try_from(r.get::<_, i64>(10)).unwrap_or(0),
                }
            })
            .collect())
    }

    /// The entities of `machine`, optionally only those in `state`.
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
    /// let open = store.unit(|u| u.entities("door", Some("open")))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        // `($2 IS NULL OR state = $2)` would keep the by-state index out of
        // a prepared statement's generic plan: a filter reaches the SQL only
        // when it is set.
        let by_state = if state.is_some() {
            " AND state = $2"
        } else {
            ""
        };
        let sql = format!(
            "SELECT {ENTITY_COLUMNS} FROM {} WHERE machine = $1{by_state} ORDER BY entity_id",
            self.tables.entities
        );
        let rows = match state {
            Some(state) => self.query(&sql, &[&machine, &state])?,
            None => self.query(&sql, &[&machine])?,
        };
        Ok(rows.iter().map(entity_row).collect())
    }

    /// Claims due timers with `FOR UPDATE SKIP LOCKED` and fires them.
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
        let def = M::definition();
        let due = self.query(
            &format!(
                "SELECT id, entity_id, state, event FROM {} WHERE machine = $1 AND due_at <= $2
                 ORDER BY due_at, id LIMIT $3 FOR UPDATE SKIP LOCKED",
                self.tables.timers
            ),
            &[
                &def.name(),
                &now.as_micros(),
                &i64::try_from(limit).unwrap_or(i64::MAX),
            ],
        )?;
        let mut fired = 0;
        for timer in due {
            let (id, entity_id, state, event): (i64, String, String, String) =
                (timer.get(0), timer.get(1), timer.get(2), timer.get(3));
            self.execute(
                &format!("DELETE FROM {} WHERE id = $1", self.tables.timers),
                &[&id],
            )?;
            let row = match self.row(def.name(), &entity_id) {
                Ok(row) if row.state == state => row,
                Ok(_) | Err(StoreError::NotFound { .. }) => continue,
                Err(e) => return Err(e),
            };
            let Ok(event_value) =
                serde_json::from_value::<M::Event>(serde_json::json!({ "event": event }))
            else {
                tracing::warn!(machine = def.name(), %entity_id, %event, "timer event cannot be built; dropped");
                continue;
            };
            let loaded: Loaded<M> = restore(row)?;
            match loaded.machine.fire(event_value) {
                Ok(next) => {
                    let meta = TransitionMeta::new().actor("timer").cross_session();
                    self.write_stored(
                        def,
                        &entity_id,
                        loaded.version,
                        &event,
                        to_stored(&next)?,
                        &meta,
                    )?;
                    fired += 1;
                }
                Err(refused) => {
                    tracing::warn!(machine = def.name(), %entity_id, %refused, "timer event refused; dropped")
                }
            }
        }
        Ok(fired)
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
        let row = self.query_opt(
            &format!(
                "SELECT MIN(due_at) FROM {} WHERE machine = $1",
                self.tables.timers
            ),
            &[&machine],
        )?;
        Ok(row
            .and_then(|r| r.get::<_, Option<i64>>(0))
            .map(Timestamp::from_micros))
    }
}
