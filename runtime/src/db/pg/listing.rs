//! Listing a machine's entities, each row read on its own: one that does
//! not read does not hide the others.

use super::{PgStore, PgUnit};
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
        self.call(async |s| s.entities(machine, state).await)
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
        self.call(async |s| s.entities_checked(machine, state).await)
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
        self.run(async |w| w.entities(machine, state).await)
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
        self.run(async |w| w.entities_checked(machine, state).await)
    }
}
