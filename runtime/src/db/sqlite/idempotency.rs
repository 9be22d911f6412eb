//! The outcomes of idempotent fires on SQLite: found, kept, expired.

use rusqlite::{Connection, OptionalExtension, params};

use crate::db::StoreError;
use crate::db::idempotency::KeptOutcome;
use crate::db::schema::Tables;
use crate::time::Timestamp;

/// The outcome kept under `key`, unless it expired by `now`.
pub(super) fn find_outcome_in(
    conn: &Connection,
    t: &Tables,
    key: &str,
    now: Timestamp,
) -> Result<Option<KeptOutcome>, StoreError> {
    let found = conn
        .prepare_cached(&format!(
            "SELECT key, machine, entity_id, event, from_state, to_state, version, data,
                    fingerprint, at, expires_at
             FROM {} WHERE key = ?1 AND expires_at > ?2",
            t.idempotency
        ))?
        .query_row(params![key, now.as_micros()], |r| {
            Ok(KeptOutcome {
                key: r.get(0)?,
                machine: r.get(1)?,
                entity_id: r.get(2)?,
                event: r.get(3)?,
                from: r.get(4)?,
                to: r.get(5)?,
                version: u64::try_from(r.get::<_, i64>(6)?).unwrap_or(0),
                data: r.get(7)?,
                fingerprint: r.get(8)?,
                at: r.get(9)?,
                expires_at: r.get(10)?,
            })
        })
        .optional()?;
    Ok(found)
}

/// Keeps `o`, replacing an expired outcome of the same key; `false` when
/// a live one holds it.
pub(super) fn keep_outcome_in(
    conn: &Connection,
    t: &Tables,
    o: &KeptOutcome,
) -> Result<bool, StoreError> {
    let written = conn
        .prepare_cached(&format!(
            "INSERT INTO {0} (key, machine, entity_id, event, from_state, to_state, version, data,
                             fingerprint, at, expires_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
             ON CONFLICT (key) DO UPDATE SET machine = excluded.machine,
                entity_id = excluded.entity_id, event = excluded.event,
                from_state = excluded.from_state, to_state = excluded.to_state,
                version = excluded.version, data = excluded.data,
                fingerprint = excluded.fingerprint, at = excluded.at,
                expires_at = excluded.expires_at
             WHERE {0}.expires_at <= excluded.at",
            t.idempotency
        ))?
        .execute(params![
            o.key,
            o.machine,
            o.entity_id,
            o.event,
            o.from,
            o.to,
            i64::try_from(o.version).unwrap_or(i64::MAX),
            o.data,
            o.fingerprint,
            o.at,
            o.expires_at
        ])?;
    Ok(written > 0)
}

/// Removes the outcomes expired by `now`.
pub(super) fn expire_outcomes_in(
    conn: &Connection,
    t: &Tables,
    now: Timestamp,
) -> Result<u64, StoreError> {
    let removed = conn
        .prepare_cached(&format!(
            "DELETE FROM {} WHERE expires_at <= ?1",
            t.idempotency
        ))?
        .execute(params![now.as_micros()])?;
    Ok(removed as u64)
}
