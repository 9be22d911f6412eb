//! Table names and the schema's version.

use super::StoreError;

/// The version of the schema this build writes. A database at a newer
/// version is refused; an older one is migrated.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) const SCHEMA_VERSION: i64 = 1;

/// A validated prefix for the store's table names (`app_` gives
/// `app_sf_entities`, `app_sf_history`, ...; no prefix gives
/// `sf_entities`, ...). Names never come from anywhere
/// else, so nothing a caller passes reaches SQL as text except through it.
///
/// ```
/// use stateforge_runtime::db::TablePrefix;
/// assert!(TablePrefix::new("app_").is_ok());
/// assert!(TablePrefix::new("x; drop table t").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TablePrefix(String);

impl TablePrefix {
    /// Checks `prefix` against `[a-z][a-z0-9_]{0,30}`; the empty prefix is allowed.
    ///
    /// # Errors
    ///
    /// [`StoreError::InvalidPrefix`] for anything else.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::TablePrefix::new("Bad").is_err());
    /// ```
    pub fn new(prefix: &str) -> Result<TablePrefix, StoreError> {
        let mut chars = prefix.chars();
        let valid = match chars.next() {
            None => true,
            Some(first) => {
                first.is_ascii_lowercase()
                    && prefix.len() <= 31
                    && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            }
        };
        if valid {
            Ok(TablePrefix(prefix.to_owned()))
        } else {
            Err(StoreError::InvalidPrefix(prefix.to_owned()))
        }
    }

    /// The prefix.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::TablePrefix::new("a_").unwrap().as_str(), "a_");
    /// ```
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The store's table names, all from one validated prefix.
#[derive(Debug, Clone)]
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) struct Tables {
    pub(crate) entities: String,
    pub(crate) history: String,
    pub(crate) timers: String,
    pub(crate) definitions: String,
    pub(crate) meta: String,
}

#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
impl Tables {
    pub(crate) fn new(prefix: &TablePrefix) -> Tables {
        let p = prefix.as_str();
        Tables {
            entities: format!("{p}sf_entities"),
            history: format!("{p}sf_history"),
            timers: format!("{p}sf_timers"),
            definitions: format!("{p}sf_definitions"),
            meta: format!("{p}sf_meta"),
        }
    }
}

/// The column types where the backends' SQL differs.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) struct Dialect {
    /// A 64-bit integer column.
    pub(crate) int: &'static str,
    /// A 64-bit key the database numbers itself.
    pub(crate) serial_key: &'static str,
}

#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
impl Tables {
    /// The statements that create the schema and record its version: the
    /// same tables and indexes on every backend, in its `dialect`.
    pub(crate) fn create_sql(&self, dialect: &Dialect) -> String {
        let Dialect { int, serial_key } = dialect;
        format!(
            "CREATE TABLE IF NOT EXISTS {e} (
                machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
                data TEXT NOT NULL, version {int} NOT NULL, fingerprint TEXT NOT NULL,
                session TEXT, created_at {int} NOT NULL, updated_at {int} NOT NULL,
                PRIMARY KEY (machine, entity_id));
             CREATE INDEX IF NOT EXISTS {e}_by_state ON {e} (machine, state);
             CREATE TABLE IF NOT EXISTS {h} (
                id {serial_key},
                machine TEXT NOT NULL, entity_id TEXT NOT NULL, from_state TEXT,
                to_state TEXT NOT NULL, event TEXT, reason TEXT, actor TEXT, session TEXT,
                at {int} NOT NULL, metadata TEXT NOT NULL, version {int} NOT NULL,
                UNIQUE (machine, entity_id, version));
             CREATE INDEX IF NOT EXISTS {h}_by_session ON {h} (session, id);
             CREATE INDEX IF NOT EXISTS {h}_by_time ON {h} (at);
             CREATE INDEX IF NOT EXISTS {h}_by_actor ON {h} (actor, id);
             CREATE TABLE IF NOT EXISTS {tm} (
                id {serial_key},
                machine TEXT NOT NULL, entity_id TEXT NOT NULL, state TEXT NOT NULL,
                event TEXT NOT NULL, due_at {int} NOT NULL);
             CREATE INDEX IF NOT EXISTS {tm}_by_due ON {tm} (machine, due_at);
             CREATE INDEX IF NOT EXISTS {tm}_by_entity ON {tm} (machine, entity_id);
             CREATE TABLE IF NOT EXISTS {d} (
                machine TEXT NOT NULL, fingerprint TEXT NOT NULL, json TEXT NOT NULL,
                kind TEXT NOT NULL, saved_at {int} NOT NULL, PRIMARY KEY (machine, fingerprint));
             INSERT INTO {meta} (key, value) VALUES ('schema_version', {v});",
            e = self.entities,
            h = self.history,
            tm = self.timers,
            d = self.definitions,
            meta = self.meta,
            v = SCHEMA_VERSION,
        )
    }
}

/// Refuses a database whose recorded schema is newer than this code's.
///
/// # Errors
///
/// [`StoreError::SchemaTooNew`].
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn check_schema_version(found: Option<i64>) -> Result<(), StoreError> {
    match found {
        Some(found) if found > SCHEMA_VERSION => Err(StoreError::SchemaTooNew {
            found,
            supported: SCHEMA_VERSION,
        }),
        _ => Ok(()),
    }
}
