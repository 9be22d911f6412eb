//! The one rule for entity ids, the same on every backend.

use crate::db::StoreError;

/// The longest entity id a store takes, in bytes of UTF-8. PostgreSQL
/// indexes the id with the machine's name, and refuses an index entry of
/// more than about 2.7 KB; the limit leaves room for the name and is the
/// same on SQLite, so that a row written on one backend can move to the other.
///
/// Every store operation that takes an entity id (create, load, fire,
/// save, their dynamic forms and those of a unit, a history query by
/// entity) refuses an empty id, a longer one, or one holding U+0000
/// (which PostgreSQL's text cannot hold) with
/// [`StoreError::InvalidEntityId`], before anything is read or written.
///
/// ```
/// assert_eq!(stateforge_runtime::db::MAX_ENTITY_ID_BYTES, 1024);
/// ```
pub const MAX_ENTITY_ID_BYTES: usize = 1024;

/// Refuses an entity id no store takes: empty, longer than
/// [`MAX_ENTITY_ID_BYTES`], or holding U+0000. The message says which,
/// never the id itself: a 16 MB id, or one holding terminal escapes, has
/// no place in an error or a log line.
#[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
pub(crate) fn check_entity_id(entity_id: &str) -> Result<(), StoreError> {
    if entity_id.is_empty() {
        return Err(StoreError::InvalidEntityId("it is empty".to_owned()));
    }
    if entity_id.len() > MAX_ENTITY_ID_BYTES {
        return Err(StoreError::InvalidEntityId(format!(
            "it is {} bytes long; a store keeps ids of at most {MAX_ENTITY_ID_BYTES} bytes",
            entity_id.len()
        )));
    }
    if entity_id.contains('\0') {
        return Err(StoreError::InvalidEntityId(
            "it holds a NUL character (U+0000), which PostgreSQL cannot keep".to_owned(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_never_echoes_the_id() {
        let long = "secret".repeat(200);
        for id in ["", long.as_str(), "sec\0ret"] {
            let message = check_entity_id(id).unwrap_err().to_string();
            assert!(
                !message.contains("secret") && !message.contains("sec"),
                "{message}"
            );
        }
        assert!(check_entity_id(&"é".repeat(MAX_ENTITY_ID_BYTES / 2)).is_ok());
        assert!(check_entity_id(&"é".repeat(MAX_ENTITY_ID_BYTES / 2 + 1)).is_err());
    }
}
