//! The one rule for entity ids, the same on every backend.

/// The longest entity id a store takes, in bytes of UTF-8. PostgreSQL
/// indexes the id with the machine's name, and refuses an index entry of
/// more than about 2.7 KB; the limit leaves room for the name and is the
/// same on SQLite, so that a row written on one backend can move to the other.
///
/// ```
/// assert_eq!(stateforge_runtime::db::MAX_ENTITY_ID_BYTES, 1024);
/// ```
pub const MAX_ENTITY_ID_BYTES: usize = 1024;
