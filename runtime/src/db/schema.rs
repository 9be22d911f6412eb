//! Table names and the schema's version.

use super::StoreError;
use super::migrations::{LATEST_VERSION, Migration};

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
    pub(crate) idempotency: String,
    pub(crate) outbox: String,
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
            idempotency: format!("{p}sf_idempotency"),
            outbox: format!("{p}sf_outbox"),
        }
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
        Some(found) if found > LATEST_VERSION => Err(StoreError::SchemaTooNew {
            found,
            supported: LATEST_VERSION,
        }),
        _ => Ok(()),
    }
}

/// Refuses a database, opened without migration, whose recorded schema
/// is not the one this code writes: newer, or older (naming the first
/// migration it lacks).
///
/// # Errors
///
/// [`StoreError::SchemaTooNew`], [`StoreError::SchemaTooOld`].
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn check_schema_current(found: i64) -> Result<(), StoreError> {
    check_schema_version(Some(found))?;
    match Migration::after(found).first() {
        Some(next) => Err(StoreError::SchemaTooOld {
            found,
            needed: LATEST_VERSION,
            migration: next.name().to_owned(),
        }),
        None => Ok(()),
    }
}
