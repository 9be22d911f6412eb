//! A transition's statements on SQLite: the versioned update, the history
//! record and the entered state's timers, with their values borrowed
//! where the statements run on the caller's thread, or copied once for
//! the connection's own thread.

use std::borrow::Cow;

use rusqlite::{Connection, params};

use super::connection::Shared;
use crate::db::StoreError;
use crate::db::backend::Write;
use crate::db::shared::to_i64;

/// The values of a transition's statements, `E` the text of a timer's
/// event (`&str` borrowed, `String` owned).
pub(super) struct TransitionValues<'a, E> {
    machine: &'a str,
    entity_id: &'a str,
    expected: i64,
    from: &'a str,
    to: &'a str,
    event: &'a str,
    data: &'a str,
    fingerprint: &'a str,
    now: i64,
    reason: Option<&'a str>,
    actor: Option<&'a str>,
    session: Option<&'a str>,
    metadata: &'a str,
    timers: Option<&'a [(E, i64)]>,
}

/// The metadata column of `w`'s history record: most transitions carry
/// none, whose text needs no allocation.
pub(super) fn metadata_text(w: &Write<'_>) -> Cow<'static, str> {
    if w.meta.metadata.is_null() {
        Cow::Borrowed("null")
    } else {
        Cow::Owned(w.meta.metadata.to_string())
    }
}

impl<'a> TransitionValues<'a, &'a str> {
    /// `w`'s values, borrowed, its metadata as `metadata`.
    pub(super) fn of(w: &'a Write<'a>, metadata: &'a str) -> Self {
        TransitionValues {
            machine: w.machine,
            entity_id: w.entity_id,
            expected: to_i64(w.expected_version),
            from: w.from,
            to: w.to,
            event: w.event,
            data: w.data,
            fingerprint: w.fingerprint,
            now: w.now.as_micros(),
            reason: w.meta.reason.as_deref(),
            actor: w.meta.actor.as_deref(),
            session: w.session,
            metadata,
            timers: w.timers,
        }
    }
}

/// A transition's values copied, for the connection's own thread.
pub(super) struct OwnedTransition {
    text: [String; 8],
    reason: Option<String>,
    actor: Option<String>,
    session: Option<String>,
    expected: i64,
    now: i64,
    timers: Option<Vec<(String, i64)>>,
}

impl OwnedTransition {
    pub(super) fn of(w: &Write<'_>) -> Self {
        let text = [
            w.machine,
            w.entity_id,
            w.from,
            w.to,
            w.event,
            w.data,
            w.fingerprint,
            &metadata_text(w),
        ]
        .map(str::to_owned);
        OwnedTransition {
            text,
            reason: w.meta.reason.clone(),
            actor: w.meta.actor.clone(),
            session: w.session.map(str::to_owned),
            expected: to_i64(w.expected_version),
            now: w.now.as_micros(),
            timers: w.timers.map(|timers| {
                timers
                    .iter()
                    .map(|(e, at)| ((*e).to_owned(), *at))
                    .collect()
            }),
        }
    }

    pub(super) fn values(&self) -> TransitionValues<'_, String> {
        let [
            machine,
            entity_id,
            from,
            to,
            event,
            data,
            fingerprint,
            metadata,
        ] = &self.text;
        TransitionValues {
            machine,
            entity_id,
            expected: self.expected,
            from,
            to,
            event,
            data,
            fingerprint,
            now: self.now,
            reason: self.reason.as_deref(),
            actor: self.actor.as_deref(),
            session: self.session.as_deref(),
            metadata,
            timers: self.timers.as_deref(),
        }
    }
}

/// Writes the transition; its new version, or `None` when the row is not
/// at the expected version. The row was read in this transaction, which
/// holds the write lock from its start: its session and state were
/// checked against it, and only the version is left for the statement.
pub(super) fn write_transition<E: AsRef<str>>(
    conn: &Connection,
    s: &Shared,
    v: &TransitionValues<'_, E>,
) -> Result<Option<u64>, StoreError> {
    // No `RETURNING`: SQLite builds a temporary table for it.
    let updated = conn.prepare_cached(&s.sql.update)?.execute(params![
        v.to,
        v.data,
        v.fingerprint,
        v.now,
        v.machine,
        v.entity_id,
        v.expected
    ])?;
    if updated == 0 {
        return Ok(None);
    }
    let version = v.expected.saturating_add(1);
    conn.prepare_cached(&s.sql.history_insert)?
        .execute(params![
            v.machine,
            v.entity_id,
            v.from,
            v.to,
            v.event,
            v.reason,
            v.actor,
            v.session,
            v.now,
            v.metadata,
            version
        ])?;
    if let Some(timers) = v.timers {
        replace_timers(conn, s, v.machine, v.entity_id, v.to, timers)?;
    }
    Ok(u64::try_from(version).ok())
}

/// Leaving a state cancels its timers; entering one starts its own.
pub(super) fn replace_timers<E: AsRef<str>>(
    conn: &Connection,
    s: &Shared,
    machine: &str,
    entity_id: &str,
    state: &str,
    timers: &[(E, i64)],
) -> Result<(), StoreError> {
    conn.prepare_cached(&format!(
        "DELETE FROM {} WHERE machine = ?1 AND entity_id = ?2",
        s.tables.timers
    ))?
    .execute(params![machine, entity_id])?;
    let mut insert = conn.prepare_cached(&format!(
        "INSERT INTO {} (machine, entity_id, state, event, due_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        s.tables.timers
    ))?;
    for (event, due_at) in timers {
        insert.execute(params![machine, entity_id, state, event.as_ref(), due_at])?;
    }
    Ok(())
}
