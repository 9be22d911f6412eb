//! Replaying a history that spans changes of its machine's definition:
//! each transition is one of some definition the store kept, and each
//! `(migrated)` record moves from a state of the definition it names as
//! left to a state of the one it names as entered.

use stateforge_core::{Definition, Fingerprint};

use super::record::HistoryRecord;
use super::replay::ReplayError;

/// The event of a migration's history record: a store writes one when
/// it moves a row to a newer definition (docs/dsl.md, "Changing a
/// machine").
pub const MIGRATED_EVENT: &str = "(migrated)";

/// Where an entity stands after `records`, its history across changes of
/// its definition: `(state, version)`. Versions are contiguous from the
/// creation record, each record leaves the state the one before entered;
/// a transition is an arm of one of `definitions`; a `(migrated)` record
/// leaves a state of the definition its metadata names as
/// `from_definition` and enters one of its `to_definition`, both among
/// `definitions`.
///
/// # Errors
///
/// The first record that does not hold together, as [`replay`](crate::replay)
/// says it.
///
/// ```
/// use stateforge_core::Definition;
/// use stateforge_runtime::{HistoryRecord, Timestamp, replay_across};
/// let def = Definition::example();
/// let created = HistoryRecord::created("task", "t-1", "pending", Timestamp::from_micros(0));
/// assert_eq!(replay_across(&[&def], &[created]).unwrap(), ("pending".to_owned(), 1));
/// ```
pub fn replay_across(
    definitions: &[&Definition],
    records: &[HistoryRecord],
) -> Result<(String, u64), ReplayError> {
    let first = records.first().ok_or(ReplayError::Empty)?;
    let machine = definitions.first().map_or("", |d| d.name());
    let mut state: Option<&str> = None;
    for (i, r) in records.iter().enumerate() {
        if r.machine != first.machine || r.entity_id != first.entity_id || r.machine != machine {
            return Err(ReplayError::MixedEntities {
                version: r.version,
                machine: r.machine.clone(),
                entity_id: r.entity_id.clone(),
            });
        }
        let expected = i as u64 + 1;
        if r.version != expected {
            return Err(ReplayError::VersionGap {
                expected,
                found: r.version,
            });
        }
        let unknown = |what, name: &str| ReplayError::Unknown {
            version: r.version,
            what,
            name: name.to_owned(),
            machine: machine.to_owned(),
        };
        match (state, r.from.as_deref()) {
            (None, Some(from)) => {
                return Err(ReplayError::MissingCreation {
                    version: r.version,
                    from: from.to_owned(),
                });
            }
            (None, None) => {
                if !definitions.iter().any(|d| d.state_id(&r.to).is_some()) {
                    return Err(unknown("state", &r.to));
                }
            }
            (Some(previous), from) if from != Some(previous) => {
                return Err(ReplayError::BrokenChain {
                    version: r.version,
                    from: from.unwrap_or("(nothing)").to_owned(),
                    expected: previous.to_owned(),
                });
            }
            (Some(previous), _) if r.event.as_deref() == Some(MIGRATED_EVENT) => {
                let named = |key: &str| {
                    let fingerprint = r.metadata[key]
                        .as_str()
                        .and_then(|f| f.parse::<Fingerprint>().ok());
                    definitions
                        .iter()
                        .find(|d| Some(d.fingerprint()) == fingerprint)
                        .ok_or_else(|| {
                            unknown("definition", r.metadata[key].as_str().unwrap_or(""))
                        })
                };
                let (left, entered) = (named("from_definition")?, named("to_definition")?);
                if left.state_id(previous).is_none() {
                    return Err(unknown("state", previous));
                }
                if entered.state_id(&r.to).is_none() {
                    return Err(unknown("state", &r.to));
                }
            }
            (Some(previous), _) => {
                let event = r.event.as_deref().unwrap_or_default();
                let leads = definitions.iter().any(|d| {
                    d.state_id(previous)
                        .zip(d.event_id(event))
                        .and_then(|(from, e)| d.transition(from, e))
                        .is_some_and(|t| d.state_name(t.to) == r.to)
                });
                if !leads {
                    return Err(ReplayError::NotATransition {
                        version: r.version,
                        from: previous.to_owned(),
                        event: event.to_owned(),
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
