//! Stores for tests that run on both backends.

use stateforge::runtime::db::Store;

mod pg_fixture;
pub(crate) use pg_fixture::PgFixture;

/// A store in a fresh SQLite file in `dir`.
pub(crate) fn sqlite(dir: &tempfile::TempDir) -> Store {
    Store::open(dir.path().join("store.db").to_str().unwrap()).unwrap()
}
