//! The JSON form of a definition: versioned by its `format` field, so that
//! a reader can tell a definition written for a newer stateforge from a
//! broken one.
//!
//! `docs/definition.schema.json` describes the same form as a JSON Schema;
//! a test keeps the two in step.

use serde::{Deserialize, Serialize};

use crate::definition::{Definition, InvalidDefinition};
use crate::flatten::is_hierarchical;
use crate::migration::MigrationSpec;
use crate::spec::{Checks, EventSpec, MachineSpec, StateSpec, TimerSpec};

/// The newest format this build reads: format 2 adds `migrations`, format
/// 3 states' `entry` and `exit` actions and compound and parallel states
/// (`parent`, `kind`, `history`).
const FORMAT: u32 = 3;

/// The format a spec is written in: the oldest that holds it, so that a
/// definition without migrations still reads in a build of format 1 (an
/// older binary sharing the database during a rolling deploy).
fn format_of(spec: &MachineSpec) -> u32 {
    if has_state_actions(spec) || is_hierarchical(spec) {
        3
    } else if spec.migrations.is_empty() {
        1
    } else {
        2
    }
}

/// Whether a state of `spec` has an entry or exit action: what needs
/// format 3.
fn has_state_actions(spec: &MachineSpec) -> bool {
    spec.states
        .iter()
        .any(|s| s.entry.is_some() || s.exit.is_some())
}

/// Why a definition could not be read from JSON.
///
/// ```
/// let err = stateforge_core::Definition::from_json("{").unwrap_err();
/// assert!(matches!(err, stateforge_core::LoadError::Json(_)));
/// ```
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The text is not a JSON machine spec.
    #[error("not a machine definition: {0}")]
    Json(#[from] serde_json::Error),
    /// The definition was written in a format newer than this build reads.
    ///
    /// ```
    /// use stateforge_core::{Definition, LoadError};
    /// let err = Definition::from_json(r#"{"format": 4, "name": "door"}"#).unwrap_err();
    /// assert!(matches!(err, LoadError::NewerFormat { format: 4, newest: 3 }));
    /// assert_eq!(
    ///     err.to_string(),
    ///     "this definition is format 4; this stateforge reads format 3 at most: upgrade stateforge",
    /// );
    /// ```
    #[error("{}", newer_format(*.format, *.newest))]
    NewerFormat {
        /// The format the definition says it is written in.
        format: u64,
        /// The newest format this build reads ([`Definition::JSON_FORMAT`]).
        newest: u32,
    },
    /// The spec was read but breaks the rules.
    #[error(transparent)]
    Invalid(#[from] InvalidDefinition),
}

fn newer_format(format: u64, newest: u32) -> String {
    format!(
        "this definition is format {format}; this stateforge reads format {newest} at most: upgrade stateforge"
    )
}

/// The `format` field as read: absent means format 1, which is how every
/// definition written before the field existed keeps loading.
struct Format(u64);

impl Default for Format {
    fn default() -> Self {
        Format(1)
    }
}

impl<'de> Deserialize<'de> for Format {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        // Refused here rather than after the whole document, so that a
        // newer definition that puts `format` first (as `to_json` does) is
        // named as such before any of its new fields is called unknown.
        match u64::deserialize(deserializer)? {
            0 => Err(serde::de::Error::custom(
                "format 0 does not exist: formats start at 1",
            )),
            n if n > u64::from(FORMAT) => Err(serde::de::Error::custom(newer_format(n, FORMAT))),
            n => Ok(Format(n)),
        }
    }
}

/// A [`MachineSpec`] as read. `format` comes last so that the array form
/// serde also accepts for a struct reads as it did before the field.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SpecDoc {
    name: String,
    states: Vec<StateSpec>,
    events: Vec<EventSpec>,
    #[serde(default)]
    timers: Vec<TimerSpec>,
    #[serde(default)]
    checks: Checks,
    #[serde(default)]
    migrations: Vec<MigrationSpec>,
    #[serde(default, rename = "format")]
    _format: Format,
}

/// A [`MachineSpec`] as written: `format` first, for a reader to see it
/// before anything it might not know.
#[derive(Serialize)]
struct SpecDocRef<'a> {
    format: u32,
    name: &'a str,
    states: &'a [StateSpec],
    events: &'a [EventSpec],
    #[serde(skip_serializing_if = "<[TimerSpec]>::is_empty")]
    timers: &'a [TimerSpec],
    checks: &'a Checks,
    #[serde(skip_serializing_if = "<[MigrationSpec]>::is_empty")]
    migrations: &'a [MigrationSpec],
}

/// Just the `format` of a document that failed to read, other fields
/// ignored whatever they hold.
#[derive(Deserialize)]
struct FormatProbe {
    format: Option<u64>,
}

impl Serialize for MachineSpec {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SpecDocRef {
            format: format_of(self),
            name: &self.name,
            states: &self.states,
            events: &self.events,
            timers: &self.timers,
            checks: &self.checks,
            migrations: &self.migrations,
        }
        .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for MachineSpec {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let doc = SpecDoc::deserialize(deserializer)?;
        // A reader of format 1 refuses the field as unknown; one of format
        // 2 must not accept from a format 1 document what format 1 lacks.
        if !doc.migrations.is_empty() && doc._format.0 < 2 {
            return Err(serde::de::Error::custom(
                "`migrations` needs format 2: write \"format\": 2",
            ));
        }
        let spec = MachineSpec {
            name: doc.name,
            states: doc.states,
            events: doc.events,
            timers: doc.timers,
            checks: doc.checks,
            migrations: doc.migrations,
        };
        // Likewise: a reader of format 2 refuses `entry` and `exit`, and
        // `parent`, `kind` and `history`.
        if has_state_actions(&spec) && doc._format.0 < 3 {
            return Err(serde::de::Error::custom(
                "a state's `entry` and `exit` need format 3: write \"format\": 3",
            ));
        }
        if is_hierarchical(&spec) && doc._format.0 < 3 {
            return Err(serde::de::Error::custom(
                "a state's `parent`, `kind` and `history` need format 3: write \"format\": 3",
            ));
        }
        Ok(spec)
    }
}

impl MachineSpec {
    /// Reads a spec from JSON, unchecked: what `stateforge validate` lists
    /// the problems of. A definition of a newer format is
    /// [`LoadError::NewerFormat`], never [`LoadError::Invalid`].
    ///
    /// ```
    /// use stateforge_core::{LoadError, MachineSpec};
    /// let spec = MachineSpec::from_json(r#"{"name": "door", "states": [], "events": []}"#)?;
    /// assert_eq!(spec.name, "door");
    /// let newer = MachineSpec::from_json(r#"{"format": 7, "name": "door", "doors": 2}"#);
    /// assert!(matches!(newer, Err(LoadError::NewerFormat { format: 7, .. })));
    /// # Ok::<(), LoadError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<MachineSpec, LoadError> {
        serde_json::from_str(json).map_err(|e| {
            // A newer format may have fields this one refuses, anywhere in
            // the document: its `format` is what the reader must hear of.
            match serde_json::from_str::<FormatProbe>(json) {
                Ok(FormatProbe {
                    format: Some(format),
                }) if format > u64::from(FORMAT) => LoadError::NewerFormat {
                    format,
                    newest: FORMAT,
                },
                _ => LoadError::Json(e),
            }
        })
    }
}

impl Serialize for Definition {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.spec().serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Definition {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spec = MachineSpec::deserialize(deserializer)?;
        Definition::new(spec).map_err(serde::de::Error::custom)
    }
}

impl Definition {
    /// The newest format of the JSON form this build reads.
    /// [`Definition::to_json`] writes the oldest format that holds the
    /// definition: 1, 2 for one that declares migrations, 3 for one whose
    /// states have entry or exit actions.
    ///
    /// ```
    /// let json = stateforge_core::Definition::example().to_json();
    /// assert!(json.contains(r#""format": 1"#));
    /// assert_eq!(stateforge_core::Definition::JSON_FORMAT, 3);
    /// ```
    pub const JSON_FORMAT: u32 = FORMAT;

    /// Reads and checks a definition from JSON; a failed check lists every
    /// problem. Without a `format` field the definition is read as format 1.
    ///
    /// ```
    /// let def = stateforge_core::Definition::from_json(r#"{
    ///     "name": "door",
    ///     "states": [{"name": "closed", "initial": true}, {"name": "open"}],
    ///     "events": [
    ///         {"name": "open", "arms": [{"from": ["closed"], "to": "open"}]},
    ///         {"name": "close", "arms": [{"from": ["open"], "to": "closed"}]}
    ///     ]
    /// }"#)?;
    /// assert_eq!(def.name(), "door");
    /// # Ok::<(), stateforge_core::LoadError>(())
    /// ```
    pub fn from_json(json: &str) -> Result<Definition, LoadError> {
        Ok(Definition::new(MachineSpec::from_json(json)?)?)
    }

    /// The definition as pretty JSON, readable by [`Definition::from_json`],
    /// its `format` first.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let back = stateforge_core::Definition::from_json(&def.to_json()).unwrap();
    /// assert_eq!(back, def);
    /// ```
    pub fn to_json(&self) -> String {
        // A MachineSpec holds only strings, bools, numbers and vectors:
        // serializing it cannot fail.
        serde_json::to_string_pretty(self.spec()).unwrap_or_default()
    }
}
