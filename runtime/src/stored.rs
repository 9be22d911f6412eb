//! The bridge between generated machines and rows: a machine in any state
//! becomes (state name, JSON data) and comes back, checked.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::{Fingerprint, Machine};

/// A machine as a store keeps it: the machine's name, its state's name, its
/// data (`{"context": ..., "data": ...}` for a generated machine), and the
/// fingerprint of the definition it was written under.
///
/// ```
/// # use stateforge_core::Definition;
/// use stateforge_runtime::Stored;
/// let def = Definition::example();
/// let row = Stored {
///     machine: "task".into(),
///     state: "pending".into(),
///     data: serde_json::json!({"context": null, "data": null}),
///     fingerprint: def.fingerprint(),
/// };
/// assert_eq!(row.state, "pending");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// The machine's name (`task`).
    pub machine: String,
    /// The state's name (`in_progress`).
    pub state: String,
    /// The context and the state's data, as JSON.
    pub data: serde_json::Value,
    /// The fingerprint of the definition the row was written under.
    pub fingerprint: Fingerprint,
}

/// Why a stored machine could not be rebuilt. Each case says which part
/// of the row is wrong; nothing is guessed.
///
/// ```
/// let e = stateforge_runtime::RestoreError::UnknownState {
///     machine: "task".into(),
///     state: "archived".into(),
/// };
/// assert_eq!(e.to_string(), "machine `task` has no state `archived`");
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RestoreError {
    /// The row belongs to another machine.
    #[error("row belongs to machine `{found}`, not `{expected}`")]
    WrongMachine {
        /// The machine asked for.
        expected: String,
        /// The machine named in the row.
        found: String,
    },
    /// The row's state is not a state of the machine.
    #[error("machine `{machine}` has no state `{state}`")]
    UnknownState {
        /// The machine.
        machine: String,
        /// The state named in the row.
        state: String,
    },
    /// The row was written under another version of the machine.
    #[error(
        "row of machine `{machine}` was written under definition {found}, this one is {expected}; migrate the row or load it with the definition it was written under"
    )]
    FingerprintMismatch {
        /// The machine.
        machine: String,
        /// The current definition's fingerprint.
        expected: Fingerprint,
        /// The row's.
        found: Fingerprint,
    },
    /// The row was written under another definition the store keeps, and
    /// rows of that one need a migration to read under this one (see
    /// [`stateforge_core::compare`]): a state they may be in is gone, or
    /// the row is of a newer definition than this binary's.
    ///
    /// ```
    /// use stateforge_core::Fingerprint;
    /// let e = stateforge_runtime::RestoreError::NeedsMigration {
    ///     machine: "job".into(),
    ///     expected: Fingerprint(1),
    ///     found: Fingerprint(2),
    ///     why: "state `running` was removed or renamed".into(),
    /// };
    /// assert_eq!(
    ///     e.to_string(),
    ///     "row of machine `job` was written under definition 0000000000000002, which this one \
    ///      (0000000000000001) cannot read without a migration: state `running` was removed or renamed"
    /// );
    /// ```
    #[error(
        "row of machine `{machine}` was written under definition {found}, which this one ({expected}) cannot read without a migration: {why}"
    )]
    NeedsMigration {
        /// The machine.
        machine: String,
        /// The current definition's fingerprint.
        expected: Fingerprint,
        /// The row's.
        found: Fingerprint,
        /// The changes between the two that need a migration.
        why: String,
    },
    /// The function a declared migration names to make a row's new data
    /// refused the row's old data (it did not read as the function's
    /// argument, or the function said no). The row is left as it was.
    ///
    /// ```
    /// let e = stateforge_runtime::RestoreError::MigrationFailed {
    ///     machine: "job".into(),
    ///     state: "failed".into(),
    ///     with: "failure_with_code".into(),
    ///     reason: "missing field `reason`".into(),
    /// };
    /// assert_eq!(
    ///     e.to_string(),
    ///     "row of machine `job` in state `failed` could not be migrated by `failure_with_code`: \
    ///      missing field `reason`"
    /// );
    /// ```
    #[error(
        "row of machine `{machine}` in state `{state}` could not be migrated by `{with}`: {reason}"
    )]
    MigrationFailed {
        /// The machine.
        machine: String,
        /// The state the row was in, under its older definition.
        state: String,
        /// The function.
        with: String,
        /// What it, or reading the old data for it, said.
        reason: String,
    },
    /// The row's fingerprint column is not a fingerprint (16 hex digits):
    /// the row was not written by a store.
    #[error(
        "row of machine `{machine}` has `{found}` for its definition's fingerprint, which is not one (16 hex digits); the row was not written by a store"
    )]
    BadFingerprint {
        /// The machine.
        machine: String,
        /// The row's fingerprint column.
        found: String,
    },
    /// The data does not fit the state.
    #[error("data of machine `{machine}` in state `{state}` does not fit: {source}")]
    BadData {
        /// The machine.
        machine: String,
        /// The state named in the row.
        state: String,
        /// What serde found wrong.
        source: serde_json::Error,
    },
}

/// Turns a generated machine into its stored form.
///
/// # Errors
///
/// When the machine's context or data cannot be serialized (a map with
/// non-string keys, a failing `Serialize` impl).
///
/// ```
/// use stateforge_runtime::to_stored;
/// stateforge::state_machine! {
///     machine Door {
///         initial state Closed;
///         state Open { by: String }
///         event open(by: String): Closed -> Open;
///         event close: Open -> Closed;
///     }
/// }
/// let row = to_stored(&AnyDoor::from(Door::new().open("ada".into()))).unwrap();
/// assert_eq!((row.machine.as_str(), row.state.as_str()), ("door", "open"));
/// assert_eq!(row.data["data"]["by"], "ada");
/// ```
pub fn to_stored<M: Machine + Serialize>(machine: &M) -> Result<Stored, serde_json::Error> {
    let def = M::definition();
    let mut data = serde_json::to_value(machine)?;
    // The state travels in its own column; keeping it in the data too
    // would let the two disagree.
    if let Some(object) = data.as_object_mut() {
        object.remove("state");
    }
    Ok(Stored {
        machine: def.name().to_owned(),
        state: machine.state_name().to_owned(),
        data,
        fingerprint: def.fingerprint(),
    })
}

/// Rebuilds a generated machine from its stored form: the machine's name,
/// then the state's name, then the fingerprint are checked before the data
/// is read, so each kind of bad row has its own error.
///
/// # Errors
///
/// A [`RestoreError`] saying which part of the row is wrong.
///
/// ```
/// use stateforge_runtime::{RestoreError, from_stored, to_stored};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door {
///         initial state Closed;
///         state Open { by: String }
///         event open(by: String): Closed -> Open;
///         event close: Open -> Closed;
///     }
/// }
/// let mut row = to_stored(&AnyDoor::from(Door::new().open("ada".into()))).unwrap();
/// let door: AnyDoor = from_stored(row.clone()).unwrap();
/// assert_eq!(door.state(), DoorState::Open);
///
/// row.state = "closed".into(); // the data has `by`, which `closed` lacks
/// assert!(matches!(from_stored::<AnyDoor>(row), Err(RestoreError::BadData { .. })));
/// ```
pub fn from_stored<M: Machine + DeserializeOwned>(stored: Stored) -> Result<M, RestoreError> {
    let def = M::definition();
    if stored.machine != def.name() {
        return Err(RestoreError::WrongMachine {
            expected: def.name().to_owned(),
            found: stored.machine,
        });
    }
    check_fingerprint_and_state::<M>(&stored.state, stored.fingerprint)?;
    let mut data = stored.data;
    match data.as_object_mut() {
        Some(object) => {
            object.insert(
                "state".to_owned(),
                serde_json::Value::String(stored.state.clone()),
            );
        }
        None => {
            return Err(RestoreError::BadData {
                machine: stored.machine,
                state: stored.state,
                source: serde::de::Error::custom("expected an object with `context` and `data`"),
            });
        }
    }
    serde_json::from_value(data).map_err(|source| RestoreError::BadData {
        machine: stored.machine,
        state: stored.state,
        source,
    })
}

/// The data column of a generated machine's row, written straight from
/// the machine: `{"context": ..., "data": ...}` without the `state` its
/// serializer writes first (the state has a column of its own). No
/// `serde_json::Value` tree is built; a machine whose serializer does not
/// start with its state goes the way of [`to_stored`].
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn to_stored_text<M: Machine + Serialize>(
    machine: &M,
) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string(machine)?;
    // A state's name is an identifier: its JSON string needs no escaping.
    let lead = text
        .strip_prefix("{\"state\":\"")
        .and_then(|rest| rest.strip_prefix(machine.state_name()))
        .and_then(|rest| rest.strip_prefix('"'))
        .map(|rest| text.len() - rest.len());
    match lead {
        Some(end) if text[end..].starts_with(',') => {
            // `{"state":"on","context"...` becomes `{"context"...` in place.
            text.replace_range(1..=end, "");
            Ok(text)
        }
        Some(end) if &text[end..] == "}" => Ok("{}".to_owned()),
        _ => to_stored(machine).map(|stored| stored.data.to_string()),
    }
}

/// [`from_stored`] from the row's columns as text: the same checks in the
/// same order, then the data is read straight into the machine, its state
/// put back in front, without a `serde_json::Value` tree. Data that does
/// not read that way is read again as [`from_stored`] reads it, so the
/// error says the same whichever way the row came.
#[cfg(any(feature = "sqlite", feature = "postgres"))]
pub(crate) fn from_stored_text<M: Machine + DeserializeOwned>(
    machine: &str,
    state: &str,
    data: &str,
    fingerprint: Fingerprint,
) -> Result<M, RestoreError> {
    let def = M::definition();
    if machine != def.name() {
        return Err(RestoreError::WrongMachine {
            expected: def.name().to_owned(),
            found: machine.to_owned(),
        });
    }
    check_fingerprint_and_state::<M>(state, fingerprint)?;
    let slow = || {
        from_stored(Stored {
            machine: machine.to_owned(),
            state: state.to_owned(),
            data: crate::db::json_or_text(data.to_owned()),
            fingerprint,
        })
    };
    let Some(fields) = data.trim_start().strip_prefix('{') else {
        return slow();
    };
    // A state's name is an identifier (checked above to be one of the
    // machine's), so it needs no escaping.
    let separator = if fields.trim_start().starts_with('}') {
        ""
    } else {
        ","
    };
    let text = ["{\"state\":\"", state, "\"", separator, fields].concat();
    serde_json::from_str(&text).or_else(|_| slow())
}

/// The checks of a row before its data is read: written under this
/// definition, in a state of the machine (the machine's name is checked by
/// the caller, who has it). The fingerprint comes first: a row of another
/// definition may well name a state this one lacks, and the other
/// definition is then the cause to report (as the dynamic path does).
fn check_fingerprint_and_state<M: Machine>(
    state: &str,
    fingerprint: Fingerprint,
) -> Result<(), RestoreError> {
    let def = M::definition();
    if fingerprint != def.fingerprint() {
        return Err(RestoreError::FingerprintMismatch {
            machine: def.name().to_owned(),
            expected: def.fingerprint(),
            found: fingerprint,
        });
    }
    if def.state_id(state).is_none() {
        return Err(RestoreError::UnknownState {
            machine: def.name().to_owned(),
            state: state.to_owned(),
        });
    }
    Ok(())
}
