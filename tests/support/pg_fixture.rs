//! The PostgreSQL fixture of every crate's tests: the server is the one at
//! `STATEFORGE_PG_URL`; a test skips, saying so, when that is unset, and
//! fails instead when `STATEFORGE_REQUIRE_PG=1`, so that a CI run cannot
//! pass without having run it. Each fixture works under a table prefix no
//! other test uses, so tests run in parallel, in one process or many, on
//! one database. Other crates include this file by `#[path]`.

use std::sync::atomic::{AtomicUsize, Ordering};

use stateforge::runtime::db::{TablePrefix, blocking::Store};

/// The PostgreSQL URL, or `None` after saying that `test` was skipped; a
/// failure instead when `STATEFORGE_REQUIRE_PG=1`.
pub(crate) fn pg_url(test: &str) -> Option<String> {
    match std::env::var("STATEFORGE_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("STATEFORGE_REQUIRE_PG").as_deref() != Ok("1"),
                "STATEFORGE_REQUIRE_PG=1 but STATEFORGE_PG_URL is not set"
            );
            eprintln!("skipped on PostgreSQL: {test}: STATEFORGE_PG_URL not set");
            say_once_that_postgres_is_skipped();
            None
        }
    }
}

/// Says on the terminal, once per test binary, that its PostgreSQL tests
/// are skipped and why. The harness captures `eprintln!` (a skipped test
/// would otherwise pass as `ok` and say nothing), but not writes to the
/// stderr handle itself.
fn say_once_that_postgres_is_skipped() {
    use std::io::Write;
    use std::sync::atomic::AtomicBool;
    static SAID: AtomicBool = AtomicBool::new(false);
    if !SAID.swap(true, Ordering::SeqCst) {
        let binary = std::env::args().next().unwrap_or_default();
        let binary = std::path::Path::new(&binary)
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default();
        let _ = writeln!(
            std::io::stderr().lock(),
            "note: {binary}: PostgreSQL tests pass without running: STATEFORGE_PG_URL is not set \
             (e.g. STATEFORGE_PG_URL=postgres://postgres@127.0.0.1:5432/test)"
        );
    }
}

/// A table prefix no other fixture uses: the process (other test
/// binaries, and children of this one, share the database), a counter (a
/// test may open several), then as much of `test`'s name as fits, for
/// whoever reads the database.
pub(crate) fn unique_prefix(test: &str) -> TablePrefix {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let name: String = test
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' => c,
            'A'..='Z' => c.to_ascii_lowercase(),
            _ => '_',
        })
        .take(14)
        .collect();
    TablePrefix::new(&format!(
        "t{}_{n}_{}_",
        std::process::id() % 100_000,
        name.trim_end_matches('_')
    ))
    .unwrap()
}

/// A store under a prefix of its own on the PostgreSQL server, whose
/// tables are dropped with the fixture, even when the test fails.
pub(crate) struct PgFixture {
    /// The server's URL, for reopening or for a child process.
    pub(crate) url: String,
    /// The fixture's prefix.
    pub(crate) prefix: TablePrefix,
    /// Opened first, so that the tables can be dropped even after a test
    /// has made them unopenable (a newer schema).
    pub(crate) store: Store,
}

impl PgFixture {
    /// Fresh tables for `test`, or `None` when there is no server (see
    /// [`pg_url`]).
    pub(crate) fn new(test: &str) -> Option<PgFixture> {
        let url = pg_url(test)?;
        let prefix = unique_prefix(test);
        let store = Store::open_with(&url, &prefix).unwrap();
        Some(PgFixture { url, prefix, store })
    }

    /// The async store on the fixture's tables.
    #[allow(dead_code)]
    pub(crate) async fn async_store(&self) -> stateforge::runtime::db::Store {
        let options = stateforge::runtime::db::StoreOptions::new();
        stateforge::runtime::db::Store::open_with(&self.url, &self.prefix, &options)
            .await
            .unwrap()
    }

    /// Another connection to the same tables, as after a restart.
    pub(crate) fn reopen(&self) -> Store {
        Store::open_with(&self.url, &self.prefix).unwrap()
    }
}

impl Drop for PgFixture {
    fn drop(&mut self) {
        let _ = self.store.drop_tables();
    }
}
