//! The store's tables as versioned SQL migrations, one file per version
//! and backend under `runtime/migrations/`: the store applies them itself
//! when opened with migration on, and an application can run the same
//! files in its own migration set (`sqlx::migrate!`, or any tool that
//! runs SQL files in order). Each file records its version in the meta
//! table, so the store knows how far a database is, whoever migrated it.

use super::schema::TablePrefix;

/// The SQL dialect a migration is written in.
///
/// ```
/// use stateforge_runtime::db::MigrationDialect;
/// assert_ne!(MigrationDialect::Sqlite, MigrationDialect::Postgres);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MigrationDialect {
    /// SQLite's.
    Sqlite,
    /// PostgreSQL's.
    Postgres,
}

/// One version of the store's schema: its number, the name of its files
/// (`runtime/migrations/{sqlite,postgres}/<name>.sql`) and their SQL.
///
/// ```
/// use stateforge_runtime::db::{Migration, MigrationDialect, TablePrefix};
/// let first = &Migration::all()[0];
/// assert_eq!(first.version(), 1);
/// assert_eq!(first.name(), "0001_stateforge_schema");
/// let sql = first.sql(MigrationDialect::Postgres, &TablePrefix::new("app_").unwrap());
/// assert!(sql.contains("CREATE TABLE IF NOT EXISTS app_sf_entities"));
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    version: i64,
    name: &'static str,
    sqlite: &'static str,
    postgres: &'static str,
}

/// Every migration, oldest first; the last one's version is the schema
/// this build writes.
const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "0001_stateforge_schema",
        sqlite: include_str!("../../migrations/sqlite/0001_stateforge_schema.sql"),
        postgres: include_str!("../../migrations/postgres/0001_stateforge_schema.sql"),
    },
    Migration {
        version: 2,
        name: "0002_stateforge_idempotency",
        sqlite: include_str!("../../migrations/sqlite/0002_stateforge_idempotency.sql"),
        postgres: include_str!("../../migrations/postgres/0002_stateforge_idempotency.sql"),
    },
    Migration {
        version: 3,
        name: "0003_stateforge_outbox",
        sqlite: include_str!("../../migrations/sqlite/0003_stateforge_outbox.sql"),
        postgres: include_str!("../../migrations/postgres/0003_stateforge_outbox.sql"),
    },
    Migration {
        version: 4,
        name: "0004_stateforge_sparse_history_indexes",
        sqlite: include_str!("../../migrations/sqlite/0004_stateforge_sparse_history_indexes.sql"),
        postgres: include_str!(
            "../../migrations/postgres/0004_stateforge_sparse_history_indexes.sql"
        ),
    },
    Migration {
        version: 5,
        name: "0005_stateforge_key_order_indexes",
        sqlite: include_str!("../../migrations/sqlite/0005_stateforge_key_order_indexes.sql"),
        postgres: include_str!("../../migrations/postgres/0005_stateforge_key_order_indexes.sql"),
    },
];

/// The version of the schema this build writes.
pub(crate) const LATEST_VERSION: i64 = MIGRATIONS[MIGRATIONS.len() - 1].version;

impl Migration {
    /// Every migration, oldest first.
    ///
    /// ```
    /// let all = stateforge_runtime::db::Migration::all();
    /// assert!(all.windows(2).all(|w| w[0].version() < w[1].version()));
    /// ```
    #[must_use]
    pub fn all() -> &'static [Migration] {
        MIGRATIONS
    }

    /// The migrations a database at `version` still needs (all of them
    /// for `0`, a database without the store's tables).
    ///
    /// ```
    /// let all = stateforge_runtime::db::Migration::all();
    /// assert_eq!(stateforge_runtime::db::Migration::after(0).len(), all.len());
    /// assert!(stateforge_runtime::db::Migration::after(all[all.len() - 1].version()).is_empty());
    /// ```
    #[must_use]
    pub fn after(version: i64) -> &'static [Migration] {
        let first = MIGRATIONS.partition_point(|m| m.version <= version);
        &MIGRATIONS[first..]
    }

    /// Its version, as the meta table records it after it ran.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::Migration::all()[0].version(), 1);
    /// ```
    #[must_use]
    pub fn version(&self) -> i64 {
        self.version
    }

    /// Its files' name without `.sql`: `<version>_<description>`, as
    /// `sqlx::migrate!` reads names.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::Migration::all()[0].name().starts_with("0001_"));
    /// ```
    #[must_use]
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Its SQL in `dialect` as the file holds it: for the tables without
    /// a prefix.
    ///
    /// ```
    /// use stateforge_runtime::db::{Migration, MigrationDialect};
    /// assert!(Migration::all()[0].file_sql(MigrationDialect::Sqlite).contains("sf_history"));
    /// ```
    #[must_use]
    pub fn file_sql(&self, dialect: MigrationDialect) -> &'static str {
        match dialect {
            MigrationDialect::Sqlite => self.sqlite,
            MigrationDialect::Postgres => self.postgres,
        }
    }

    /// Its SQL in `dialect` for the tables under `prefix`: every name
    /// starting `sf_` (tables and indexes) gets the prefix in front.
    /// This is what a store opened with that prefix applies, and what an
    /// application that keeps the store's tables under a prefix puts in
    /// its own migration set instead of the files.
    ///
    /// ```
    /// use stateforge_runtime::db::{Migration, MigrationDialect, TablePrefix};
    /// let sql = Migration::all()[0].sql(MigrationDialect::Sqlite, &TablePrefix::new("x_").unwrap());
    /// assert!(sql.contains("INSERT INTO x_sf_meta"));
    /// assert!(!sql.contains(" sf_"));
    /// ```
    #[must_use]
    pub fn sql(&self, dialect: MigrationDialect, prefix: &TablePrefix) -> String {
        with_prefix(self.file_sql(dialect), prefix.as_str())
    }
}

/// `sql` with `prefix` before every identifier that starts `sf_`.
fn with_prefix(sql: &str, prefix: &str) -> String {
    if prefix.is_empty() {
        return sql.to_owned();
    }
    let mut out = String::with_capacity(sql.len() + 16 * prefix.len());
    let mut previous: Option<char> = None;
    for (at, c) in sql.char_indices() {
        let starts_word = !previous.is_some_and(|p| p.is_ascii_alphanumeric() || p == '_');
        if starts_word && sql[at..].starts_with("sf_") {
            out.push_str(prefix);
        }
        out.push(c);
        previous = Some(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_names_starting_sf_get_the_prefix() {
        let sql = "CREATE TABLE sf_a (x); INSERT INTO sf_meta VALUES ('asf_x') -- sf_b";
        assert_eq!(
            with_prefix(sql, "p_"),
            "CREATE TABLE p_sf_a (x); INSERT INTO p_sf_meta VALUES ('asf_x') -- p_sf_b"
        );
    }

    #[test]
    fn every_file_is_listed_once_for_both_dialects() {
        for dialect in ["sqlite", "postgres"] {
            let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("migrations")
                .join(dialect);
            let mut files: Vec<String> = std::fs::read_dir(dir)
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            files.sort();
            let listed: Vec<String> = MIGRATIONS
                .iter()
                .map(|m| format!("{}.sql", m.name))
                .collect();
            assert_eq!(files, listed, "{dialect}");
        }
    }

    #[test]
    fn versions_increase_and_names_start_with_them() {
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1);
            assert!(
                m.name.starts_with(&format!("{:04}_", m.version)),
                "{}",
                m.name
            );
        }
    }
}
