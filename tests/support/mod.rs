//! Stores for tests that run on both backends.

use stateforge::runtime::db::{Store, TablePrefix};

/// A PostgreSQL store under a prefix of its own, whose tables go when it
/// is dropped; `None` (after saying so) when `STATEFORGE_PG_URL` is unset,
/// and a failure then if `STATEFORGE_REQUIRE_PG=1`.
pub(crate) struct PgStore {
    /// The URL, for reopening.
    pub(crate) url: String,
    /// The prefix, for reopening.
    pub(crate) prefix: TablePrefix,
    /// The store.
    pub(crate) store: Store,
}

impl PgStore {
    /// A fresh store for test `name` (lowercase letters and `_`).
    pub(crate) fn new(name: &str) -> Option<PgStore> {
        let url = match std::env::var("STATEFORGE_PG_URL") {
            Ok(url) if !url.is_empty() => url,
            _ => {
                assert!(
                    std::env::var("STATEFORGE_REQUIRE_PG").as_deref() != Ok("1"),
                    "STATEFORGE_REQUIRE_PG=1 but STATEFORGE_PG_URL is not set"
                );
                eprintln!("skipped on PostgreSQL: STATEFORGE_PG_URL not set");
                return None;
            }
        };
        let prefix =
            TablePrefix::new(&format!("x{}_{name}_", std::process::id() % 100_000)).unwrap();
        let store = Store::open_with(&url, &prefix).unwrap();
        Some(PgStore { url, prefix, store })
    }

    /// Another connection to the same tables, as after a restart.
    pub(crate) fn reopen(&self) -> Store {
        Store::open_with(&self.url, &self.prefix).unwrap()
    }
}

impl Drop for PgStore {
    fn drop(&mut self) {
        let _ = self.store.drop_tables();
    }
}

/// A store in a fresh SQLite file in `dir`.
pub(crate) fn sqlite(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("store.db").to_str().unwrap()).unwrap()
}
