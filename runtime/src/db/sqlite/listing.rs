//! Listing a machine's entities, each row read on its own: one that does
//! not read does not hide the others.

use rusqlite::{Connection, params};

use super::SqliteStore;
use super::rows::entity_row;
use crate::db::backend::Scope;
use crate::db::schema::Tables;
use crate::db::shared::good_rows;
use crate::db::{EntityRow, StoreError};

impl SqliteStore {
    /// The entities of `machine`, optionally only those in `state`, by
    /// entity id. A row that does not read (edited past the store: a
    /// version below 1, a column holding another type) is left out, and
    /// logged with `tracing::warn!` naming its entity;
    /// [`SqliteStore::entities_checked`] returns it as an error instead.
    ///
    /// # Errors
    ///
    /// The database's.
    ///
    /// ```
    /// # use stateforge_runtime::db::SqliteStore;
    /// let store = SqliteStore::open_in_memory()?;
    /// assert!(store.entities("task", None)?.is_empty());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        Ok(good_rows(self.entities_checked(machine, state)?))
    }

    /// Every row of [`SqliteStore::entities`], by entity id, each as the
    /// entity it holds or the [`StoreError::BadRow`] saying what is wrong
    /// with it: for tools that show the good rows and report the others.
    ///
    /// # Errors
    ///
    /// The database's: a bad row is an error in the list, not of the call.
    ///
    /// ```
    /// use stateforge_runtime::db::{SqliteStore, TransitionMeta};
    /// # stateforge::state_machine! { machine Door { initial state Closed; final state Open; event open: Closed -> Open; } }
    /// let store = SqliteStore::open_in_memory()?;
    /// store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
    /// for row in store.entities_checked("door", None)? {
    ///     match row {
    ///         Ok(row) => println!("{} is {}", row.entity_id, row.state),
    ///         Err(bad) => eprintln!("{bad}"),
    ///     }
    /// }
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        self.with_work(Scope::Read, async |w| {
            w.entities_checked(machine, state).await
        })
    }
}

/// [`SqliteStore::entities_checked`], read on `conn`: the store's
/// connection, or a unit's transaction.
pub(super) fn checked_entities_in(
    conn: &Connection,
    tables: &Tables,
    machine: &str,
    state: Option<&str>,
) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
    // `(?2 IS NULL OR state = ?2)` would keep the by-state index out of
    // use: a filter reaches the SQL only when it is set.
    let by_state = if state.is_some() {
        " AND state = ?2"
    } else {
        ""
    };
    let sql = format!(
        "SELECT machine, entity_id, state, data, version, fingerprint, session, created_at, updated_at
         FROM {} WHERE machine = ?1{by_state} ORDER BY entity_id",
        tables.entities
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let rows = match state {
        Some(state) => stmt.query_map(params![machine, state], entity_row)?,
        None => stmt.query_map(params![machine], entity_row)?,
    };
    Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
}
