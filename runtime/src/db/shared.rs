//! What every backend does the same way with a row.

use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use crate::db::fingerprint_text::FingerprintText;
use crate::db::{EntityRow, Loaded, StoreError, StoredRow, TransitionMeta};
use crate::history::HistoryRecord;
use std::sync::Arc;

use stateforge_core::Fingerprint;

use crate::dynamic::{Bound, DynMachine};
use crate::stored::{RestoreError, Stored, from_stored, from_stored_text};

type Json = serde_json::Value;

/// What keeping a definition already kept does.
///
/// Either way the `saved_at` written is the later of the clock and just
/// after the machine's latest `saved_at`: processes on hosts whose clocks
/// disagree, or a clock stepped back, would otherwise make "the one saved
/// last" the one whose host ran ahead. The kind stays the first one's: a
/// typed definition saved again as data stays typed, so tools still leave
/// its entities alone.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keep {
    /// Nothing: an entity created under it.
    Once,
    /// Makes it the one kept last again: an explicit save, which may
    /// return to an earlier definition.
    AsLatest,
}

impl Keep {
    /// The `ON CONFLICT` action of the insert, on both backends.
    pub(crate) fn on_conflict(self) -> &'static str {
        match self {
            Keep::Once => "DO NOTHING",
            Keep::AsLatest => "DO UPDATE SET saved_at = excluded.saved_at",
        }
    }
}

pub(crate) fn fill(record: &mut HistoryRecord, meta: &TransitionMeta) {
    record.reason.clone_from(&meta.reason);
    record.actor.clone_from(&meta.actor);
    record.session.clone_from(&meta.session);
    record.metadata = meta.metadata.clone();
}

/// An entity created in a session moves only in that session, unless the
/// caller crosses sessions explicitly.
pub(crate) fn check_session_of(
    machine: &str,
    entity_id: &str,
    session: Option<&String>,
    meta: &TransitionMeta,
) -> Result<(), StoreError> {
    match session {
        Some(owner) if meta.session.as_ref() != Some(owner) && !meta.cross_session => {
            Err(StoreError::OtherSession {
                machine: machine.to_owned(),
                entity_id: entity_id.to_owned(),
            })
        }
        _ => Ok(()),
    }
}

pub(crate) fn to_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

/// An entity id as an error or a log line shows it: as it is when every
/// character prints, else escaped (`\n`, `\u{1b}`), so that an id read
/// from a row can neither drive a terminal nor forge a line of a log.
pub(crate) fn shown_entity_id(entity_id: &str) -> String {
    let prints = entity_id
        .chars()
        .all(|c| matches!(c, '"' | '\'' | '\\') || c.escape_debug().len() == 1);
    if prints {
        entity_id.to_owned()
    } else {
        entity_id.escape_debug().to_string()
    }
}

/// The error for a row of `machine` that does not read as an entity.
pub(crate) fn bad_row(machine: &str, entity_id: &str, what: impl Into<String>) -> StoreError {
    StoreError::BadRow {
        machine: machine.to_owned(),
        entity_id: shown_entity_id(entity_id),
        what: what.into(),
    }
}

/// A version column as a version, or what is wrong with it: a store
/// writes 1 on create and one more per transition, so anything below 1
/// was written past it (and read as 0, it would pass for a version the
/// caller holds, and fail every write as a conflict).
pub(crate) fn stored_version(column: i64) -> Result<u64, String> {
    u64::try_from(column)
        .ok()
        .filter(|version| *version >= 1)
        .ok_or_else(|| format!("version {column} is not one: versions start at 1"))
}

/// Refuses to move an entity whose version is the last a 64-bit column
/// holds: its next version would overflow (PostgreSQL fails the
/// statement; SQLite would write a floating-point number no read takes).
pub(crate) fn check_movable(
    machine: &str,
    entity_id: &str,
    version: u64,
) -> Result<(), StoreError> {
    if version < i64::MAX.unsigned_abs() {
        Ok(())
    } else {
        Err(bad_row(
            machine,
            entity_id,
            format!("version {version} is the last a row can hold: the entity cannot move again"),
        ))
    }
}

/// The rows of a listing that read, in order; each one that does not is
/// logged, naming its entity, and left out.
pub(crate) fn good_rows(rows: Vec<Result<EntityRow, StoreError>>) -> Vec<EntityRow> {
    rows.into_iter()
        .filter_map(|row| {
            row.map_err(|error| tracing::warn!(%error, "a row left out of the listing"))
                .ok()
        })
        .collect()
}

/// A row's fingerprint column, or the error saying it is not one.
pub(crate) fn parse_fingerprint(machine: &str, text: &str) -> Result<Fingerprint, StoreError> {
    text.parse().map_err(|_| {
        StoreError::Restore(RestoreError::BadFingerprint {
            machine: machine.to_owned(),
            found: text.to_owned(),
        })
    })
}

pub(crate) fn restore<M: Machine + DeserializeOwned>(
    row: EntityRow,
) -> Result<Loaded<M>, StoreError> {
    let fingerprint = parse_fingerprint(&row.machine, &row.fingerprint)?;
    let machine = from_stored(Stored {
        machine: row.machine,
        state: row.state,
        data: row.data,
        fingerprint,
    })?;
    Ok(Loaded {
        entity_id: row.entity_id,
        machine,
        version: row.version,
    })
}

/// A typed machine from its row as read, its data read from the text
/// straight into the machine: the same checks, in the same order, as
/// [`restore`].
pub(crate) fn restore_row<M: Machine + DeserializeOwned>(
    entity_id: &str,
    row: StoredRow,
) -> Result<Loaded<M>, StoreError> {
    let def = M::definition();
    // A row written under this definition, the usual case, has its
    // fingerprint's very text: no need to parse it.
    let current = def.fingerprint();
    let fingerprint = if row.fingerprint == FingerprintText::new(current).as_str() {
        current
    } else {
        parse_fingerprint(def.name(), &row.fingerprint)?
    };
    let machine = from_stored_text(def.name(), &row.state, &row.data, fingerprint)?;
    Ok(Loaded {
        entity_id: entity_id.to_owned(),
        machine,
        version: row.version,
    })
}

/// A dynamic machine from its row: the fingerprint and the state's name
/// are checked.
pub(crate) fn restore_dyn(
    bound: &Arc<Bound<Json>>,
    row: crate::db::EntityRow,
) -> Result<Loaded<DynMachine<Json>>, StoreError> {
    let stored = StoredRow {
        state: row.state,
        data: String::new(),
        version: row.version,
        fingerprint: row.fingerprint,
        session: None,
    };
    restore_dyn_from(bound, row.entity_id, stored, row.data)
}

/// [`restore_dyn`] from the row an operation read by `entity_id`.
pub(crate) fn restore_dyn_row(
    bound: &Arc<Bound<Json>>,
    entity_id: &str,
    mut row: StoredRow,
) -> Result<Loaded<DynMachine<Json>>, StoreError> {
    let data = crate::db::json_or_text(std::mem::take(&mut row.data));
    restore_dyn_from(bound, entity_id.to_owned(), row, data)
}

/// `row`'s checks and machine, its data already a value.
fn restore_dyn_from(
    bound: &Arc<Bound<Json>>,
    entity_id: String,
    row: StoredRow,
    data: Json,
) -> Result<Loaded<DynMachine<Json>>, StoreError> {
    let def = bound.definition();
    let found = parse_fingerprint(def.name(), &row.fingerprint)?;
    if found != def.fingerprint() {
        return Err(StoreError::Restore(RestoreError::FingerprintMismatch {
            machine: def.name().to_owned(),
            expected: def.fingerprint(),
            found,
        }));
    }
    let machine = DynMachine::restore(Arc::clone(bound), &row.state, data).map_err(|_| {
        StoreError::Restore(RestoreError::UnknownState {
            machine: def.name().to_owned(),
            state: row.state.clone(),
        })
    })?;
    Ok(Loaded {
        entity_id,
        machine,
        version: row.version,
    })
}

/// Checks a typed save against the row read in the same transaction: the
/// entity is still at the version the caller read, can move from it, and
/// `event` leads from the stored state to the state being saved.
pub(crate) fn check_save(
    def: &stateforge_core::Definition,
    entity_id: &str,
    row: &StoredRow,
    expected_version: u64,
    event: &str,
    to: &str,
) -> Result<(), StoreError> {
    if row.version != expected_version {
        return Err(StoreError::Conflict {
            machine: def.name().to_owned(),
            entity_id: entity_id.to_owned(),
            expected: expected_version,
            current: row.version,
        });
    }
    check_movable(def.name(), entity_id, row.version)?;
    let leads = def
        .state_id(&row.state)
        .zip(def.event_id(event))
        .is_some_and(|(from, e)| {
            def.alternatives(from, e)
                .iter()
                .any(|t| def.state_name(t.to) == to)
        });
    if leads {
        Ok(())
    } else {
        Err(StoreError::NotATransition {
            machine: def.name().to_owned(),
            event: event.to_owned(),
            from: row.state.clone(),
            to: to.to_owned(),
        })
    }
}
