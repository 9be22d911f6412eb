//! The statements on a transition's path, written once per store: their
//! text is the key of the connection's prepared-statement cache, and
//! formatting it anew for every transition was a measurable part of a
//! transition's cost.

use crate::db::schema::Tables;

/// The SQL of the statements every transition runs.
pub(crate) struct SqliteSql {
    /// What an operation reads of an entity's row (`rows::stored_row`).
    pub(crate) row: String,
    /// The versioned update.
    pub(crate) update: String,
    /// The history record.
    pub(crate) history_insert: String,
}

impl SqliteSql {
    pub(super) fn new(t: &Tables) -> SqliteSql {
        SqliteSql {
            row: format!(
                "SELECT state, data, version, fingerprint, session, created_at, updated_at
                 FROM {} WHERE machine = ?1 AND entity_id = ?2",
                t.entities
            ),
            update: format!(
                "UPDATE {} SET state = ?1, data = ?2, version = version + 1, fingerprint = ?3, updated_at = ?4
                 WHERE machine = ?5 AND entity_id = ?6 AND version = ?7",
                t.entities
            ),
            history_insert: format!(
                "INSERT INTO {} (machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                t.history
            ),
        }
    }
}
