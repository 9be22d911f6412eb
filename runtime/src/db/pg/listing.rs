//! Listing a machine's entities, each row read on its own: one that does
//! not read does not hide the others.

use super::rows::{ENTITY_COLUMNS, entity_row};
use super::{PgStore, PgUnit};
use crate::db::shared::good_rows;
use crate::db::{EntityRow, StoreError};

impl PgStore {
    /// See [`SqliteStore::entities`](crate::db::SqliteStore::entities):
    /// a row that does not read is left out, and logged.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// use stateforge_runtime::db::PgStore;
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let open = store.entities("door", Some("open"))?;
    /// println!("{} open doors", open.len());
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        self.autocommit(|u| u.entities(machine, state))
    }

    /// See [`SqliteStore::entities_checked`](crate::db::SqliteStore::entities_checked):
    /// every row, each as its entity or the error saying what is wrong
    /// with it.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// use stateforge_runtime::db::PgStore;
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let bad = store.entities_checked("door", None)?.into_iter().filter(Result::is_err).count();
    /// println!("{bad} rows do not read");
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        self.autocommit(|u| u.entities_checked(machine, state))
    }
}

impl PgUnit<'_> {
    /// [`PgStore::entities`], inside the unit.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// use stateforge_runtime::db::PgStore;
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let open = store.unit(|u| u.entities("door", Some("open")))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<EntityRow>, StoreError> {
        Ok(good_rows(self.entities_checked(machine, state)?))
    }

    /// [`PgStore::entities_checked`], inside the unit.
    ///
    /// # Errors
    ///
    /// The server's.
    ///
    /// ```no_run
    /// use stateforge_runtime::db::PgStore;
    /// let store = PgStore::connect("postgres://postgres@127.0.0.1/test")?;
    /// let rows = store.unit(|u| u.entities_checked("door", None))?;
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn entities_checked(
        &self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
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
}
