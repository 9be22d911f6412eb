//! Rebuilding where an entity stands from its history, refusing a history
//! that does not hold together.

use stateforge_core::Definition;

use super::record::HistoryRecord;

/// Why a history does not hold together. Each case names the record.
///
/// ```
/// let e = stateforge_runtime::ReplayError::Empty;
/// assert_eq!(e.to_string(), "no history to replay");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ReplayError {
    /// There are no records.
    #[error("no history to replay")]
    Empty,
    /// A record of another machine or entity.
    #[error(
        "record {version} belongs to {machine} `{entity_id}`, not to the entity being replayed"
    )]
    MixedEntities {
        /// Its version.
        version: u64,
        /// Its machine.
        machine: String,
        /// Its entity.
        entity_id: String,
    },
    /// The first record has a `from`: the entity's creation is missing.
    #[error("the first record (version {version}) leaves `{from}`: the creation record is missing")]
    MissingCreation {
        /// Its version.
        version: u64,
        /// Its `from`.
        from: String,
    },
    /// A version is missing or repeated.
    #[error("expected version {expected}, found {found}")]
    VersionGap {
        /// The version the chain needs.
        expected: u64,
        /// The one found.
        found: u64,
    },
    /// A record does not start where the previous one ended.
    #[error("record {version} leaves `{from}`, but the entity was in `{expected}`")]
    BrokenChain {
        /// Its version.
        version: u64,
        /// Its `from`.
        from: String,
        /// The previous record's `to`.
        expected: String,
    },
    /// A state or event the definition does not have.
    #[error("record {version} names {what} `{name}`, which machine `{machine}` does not have")]
    Unknown {
        /// Its version.
        version: u64,
        /// `state` or `event`.
        what: &'static str,
        /// The name.
        name: String,
        /// The machine.
        machine: String,
    },
    /// A move the definition does not allow.
    #[error("record {version}: event `{event}` does not lead from `{from}` to `{to}`")]
    NotATransition {
        /// Its version.
        version: u64,
        /// Its `from`.
        from: String,
        /// Its event.
        event: String,
        /// Its `to`.
        to: String,
    },
}

/// Replays `records` (oldest first) against `definition` and returns the
/// state the entity is in and its version, after checking every link of
/// the chain: one entity, a creation record first, contiguous versions,
/// each `from` the previous `to`, each move a transition of the definition.
///
/// # Errors
///
/// The first [`ReplayError`] found.
///
/// ```
/// use stateforge_runtime::{HistoryRecord, Timestamp, replay};
/// let def = stateforge_core::Definition::example();
/// let created = HistoryRecord::created("task", "t-1", "pending", Timestamp::now());
/// let assigned = created.next("assign", "assigned", Timestamp::now());
/// assert_eq!(replay(&def, &[created.clone(), assigned])?, ("assigned".to_owned(), 2));
///
/// let skipped = created.next("start", "in_progress", Timestamp::now());
/// assert!(replay(&def, &[created, skipped]).is_err()); // pending --start--> is not a move
/// # Ok::<(), stateforge_runtime::ReplayError>(())
/// ```
pub fn replay(
    definition: &Definition,
    records: &[HistoryRecord],
) -> Result<(String, u64), ReplayError> {
    let first = records.first().ok_or(ReplayError::Empty)?;
    let machine = definition.name();
    let mut state: Option<&str> = None;
    for (i, r) in records.iter().enumerate() {
        if r.machine != first.machine || r.entity_id != first.entity_id || r.machine != machine {
            return Err(ReplayError::MixedEntities {
                version: r.version,
                machine: r.machine.clone(),
                entity_id: r.entity_id.clone(),
            });
        }
        let expected = first.version.max(1) + i as u64;
        if i == 0 && r.version != 1 || r.version != expected {
            return Err(ReplayError::VersionGap {
                expected: if i == 0 { 1 } else { expected },
                found: r.version,
            });
        }
        let unknown = |what, name: &str| ReplayError::Unknown {
            version: r.version,
            what,
            name: name.to_owned(),
            machine: machine.to_owned(),
        };
        let to = definition
            .state_id(&r.to)
            .ok_or_else(|| unknown("state", &r.to))?;
        match (state, r.from.as_deref()) {
            (None, Some(from)) => {
                return Err(ReplayError::MissingCreation {
                    version: r.version,
                    from: from.to_owned(),
                });
            }
            (None, None) => {}
            (Some(previous), from) if from != Some(previous) => {
                return Err(ReplayError::BrokenChain {
                    version: r.version,
                    from: from.unwrap_or("(nothing)").to_owned(),
                    expected: previous.to_owned(),
                });
            }
            (Some(previous), _) => {
                let event_name = r.event.as_deref().unwrap_or_default();
                let from = definition
                    .state_id(previous)
                    .ok_or_else(|| unknown("state", previous))?;
                let event = definition
                    .event_id(event_name)
                    .ok_or_else(|| unknown("event", event_name))?;
                if !definition
                    .alternatives(from, event)
                    .iter()
                    .any(|t| t.to == to)
                {
                    return Err(ReplayError::NotATransition {
                        version: r.version,
                        from: previous.to_owned(),
                        event: event_name.to_owned(),
                        to: r.to.clone(),
                    });
                }
            }
        }
        state = Some(&r.to);
    }
    let last = &records[records.len() - 1];
    Ok((last.to.clone(), last.version))
}
