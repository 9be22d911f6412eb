//! Declared migrations: what becomes of rows written under an older
//! definition that [`compare`](crate::compare) says need one. A migration
//! is part of the definition that declares it ([`MachineSpec::migrations`],
//! the JSON form's `migrations`, the `state_machine!` macro's `(was ..)`,
//! `(with ..)` and `removed state`): one model for every way a definition
//! is written.
//!
//! One shape covers the three cases: rows in state `from` go to state
//! `to`. A state renamed is `from` the old name `to` the new one; a state
//! removed is `from` it `to` where its rows go; `with`, when given, names
//! the function that makes the new data from the old (a state's data
//! changed: `from` and `to` the same state).

use std::collections::BTreeMap;

use crate::problem::{Problem, Site};
use crate::spec::MachineSpec;

/// One declared migration: rows in state `from` of an older definition
/// are, under this one, in state `to`, with their data made by `with`
/// when it is named.
///
/// ```
/// use stateforge_core::MigrationSpec;
/// let renamed = MigrationSpec::renamed("in_progress", "running");
/// let removed = MigrationSpec::removed("escalated", "failed");
/// let reshaped = MigrationSpec::data_changed("failed", "reason_as_code");
/// assert_eq!((renamed.from.as_str(), renamed.to.as_str()), ("in_progress", "running"));
/// assert_eq!(removed.to, "failed");
/// assert_eq!(reshaped.with.as_deref(), Some("reason_as_code"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct MigrationSpec {
    /// The state rows were in under the older definition.
    pub from: String,
    /// The state of this definition they are in now.
    pub to: String,
    /// The function making the new data from the old, by the name the
    /// application registers (as a guard is named); `None` keeps the data.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub with: Option<String>,
}

impl MigrationSpec {
    /// State `was` is now called `now`.
    ///
    /// ```
    /// let m = stateforge_core::MigrationSpec::renamed("in_progress", "running");
    /// assert!(m.with.is_none());
    /// ```
    pub fn renamed(was: impl Into<String>, now: impl Into<String>) -> Self {
        MigrationSpec {
            from: was.into(),
            to: now.into(),
            with: None,
        }
    }

    /// State `state` is gone; its rows go to `rows_to`.
    ///
    /// ```
    /// let m = stateforge_core::MigrationSpec::removed("escalated", "failed");
    /// assert_eq!(m.from, "escalated");
    /// ```
    pub fn removed(state: impl Into<String>, rows_to: impl Into<String>) -> Self {
        MigrationSpec::renamed(state, rows_to)
    }

    /// The data of `state` changed; `with` makes the new from the old.
    ///
    /// ```
    /// let m = stateforge_core::MigrationSpec::data_changed("failed", "reason_as_code");
    /// assert_eq!(m.from, m.to);
    /// ```
    pub fn data_changed(state: impl Into<String>, with: impl Into<String>) -> Self {
        let state = state.into();
        MigrationSpec {
            from: state.clone(),
            to: state,
            with: Some(with.into()),
        }
    }

    /// The same migration, its data made by `with`.
    ///
    /// ```
    /// let m = stateforge_core::MigrationSpec::removed("escalated", "failed").with("escalation_as_failure");
    /// assert_eq!(m.with.as_deref(), Some("escalation_as_failure"));
    /// ```
    #[must_use]
    pub fn with(mut self, with: impl Into<String>) -> Self {
        self.with = Some(with.into());
        self
    }
}

/// The checks of a spec's migrations, beside the graph's (called by
/// [`validate`](crate::validate)): each names a state it leads to, comes
/// from a state that is gone (or changes a state's data with a function),
/// and no state has two.
pub(crate) fn check_migrations(
    spec: &MachineSpec,
    states: &BTreeMap<&str, usize>,
    problems: &mut Vec<Problem>,
) {
    // Rows of a machine with compound or parallel states hold
    // configuration names (`active.assigned`), which the flattening
    // knows: it checks where those migrations lead.
    let hierarchical = crate::flatten::is_hierarchical(spec);
    let valid_from = |from: &str| {
        if hierarchical {
            crate::flatten::is_configuration_name(from)
        } else {
            crate::validate::is_valid_name(from)
        }
    };
    let mut sources: BTreeMap<&str, usize> = BTreeMap::new();
    for (i, m) in spec.migrations.iter().enumerate() {
        if !valid_from(&m.from) {
            problems.push(Problem::InvalidName {
                kind: crate::problem::NameKind::State,
                name: m.from.clone(),
                site: Site::MigrationFrom(i),
            });
        }
        if let Some(with) = &m.with
            && !crate::validate::is_valid_path(with)
        {
            problems.push(Problem::InvalidName {
                kind: crate::problem::NameKind::Action,
                name: with.clone(),
                site: Site::MigrationWith(i),
            });
        }
        if !hierarchical && !states.contains_key(m.to.as_str()) {
            problems.push(Problem::UnknownState {
                name: m.to.clone(),
                site: Site::MigrationTo(i),
            });
        }
        if m.from == m.to {
            if m.with.is_none() {
                problems.push(Problem::MigrationChangesNothing {
                    state: m.from.clone(),
                    site: Site::MigrationFrom(i),
                });
            }
        } else if !hierarchical && states.contains_key(m.from.as_str()) {
            problems.push(Problem::MigrationFromLiveState {
                state: m.from.clone(),
                to: m.to.clone(),
                site: Site::MigrationFrom(i),
            });
        }
        if sources.insert(m.from.as_str(), i).is_some() {
            problems.push(Problem::DuplicateMigration {
                state: m.from.clone(),
                site: Site::MigrationFrom(i),
            });
        }
    }
}
