//! A transition's statements on SQLite: the versioned update, the history
//! record and the change to the entity's timers, with their values borrowed
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
    kept_timers: &'a [E],
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
            kept_timers: w.kept_timers,
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
    kept_timers: Vec<String>,
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
            kept_timers: w.kept_timers.iter().map(|e| (*e).to_owned()).collect(),
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
            kept_timers: &self.kept_timers,
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
        let moved = (v.from, v.to);
        change_timers(
            conn,
            s,
            v.machine,
            v.entity_id,
            moved,
            v.kept_timers,
            timers,
        )?;
    }
    Ok(u64::try_from(version).ok())
}

/// A transition's change to the entity's timers: those armed in `from`
/// whose event is in `kept` keep running, due when they were, named after
/// `to`; every other one is cancelled, and `started` are armed in `to`.
/// A kept timer is written as a new row (a new id), as a started one is,
/// so that a due-timer batch that claimed the old row finds it gone.
pub(super) fn change_timers<E: AsRef<str>>(
    conn: &Connection,
    s: &Shared,
    machine: &str,
    entity_id: &str,
    (from, to): (&str, &str),
    kept: &[E],
    started: &[(E, i64)],
) -> Result<(), StoreError> {
    if kept.is_empty() {
        return replace_timers(conn, s, machine, entity_id, to, started);
    }
    let running: Vec<(String, i64)> = conn
        .prepare_cached(&s.sql.running_timers)?
        .query_map(params![machine, entity_id, from], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?
        .collect::<Result<_, _>>()?;
    let timers: Vec<(&str, i64)> = running
        .iter()
        .filter(|(event, _)| kept.iter().any(|k| k.as_ref() == event.as_str()))
        .map(|(event, due_at)| (event.as_str(), *due_at))
        .chain(
            started
                .iter()
                .map(|(event, due_at)| (event.as_ref(), *due_at)),
        )
        .collect();
    replace_timers(conn, s, machine, entity_id, to, &timers)
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
    conn.prepare_cached(&s.sql.clear_timers)?
        .execute(params![machine, entity_id])?;
    let mut insert = conn.prepare_cached(&s.sql.arm_timer)?;
    for (event, due_at) in timers {
        insert.execute(params![machine, entity_id, state, event.as_ref(), due_at])?;
    }
    Ok(())
}
