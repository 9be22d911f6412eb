//! Why a definition that is data could not be made ready to run.

use std::fmt;

use stateforge_core::LoadError;

/// Why a JSON definition could not be made into running machines.
///
/// ```
/// use stateforge_runtime::{DefinitionError, DynMachine, Registry};
/// let err = DynMachine::from_json_definition("{", &Registry::<()>::new(), ()).unwrap_err();
/// assert!(matches!(err, DefinitionError::Load(_)));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DefinitionError {
    /// Not JSON of a definition, or a definition that breaks the rules
    /// (every problem listed).
    #[error(transparent)]
    Load(#[from] LoadError),
    /// The definition names guards or actions the registry lacks (every
    /// missing name listed).
    #[error(transparent)]
    Missing(#[from] MissingBehaviour),
}

/// Guards, actions and data migrations a definition names but the
/// registry lacks.
///
/// ```
/// let e = stateforge_runtime::MissingBehaviour {
///     machine: "m".into(), guards: vec!["g".into()], actions: vec!["a".into(), "b".into()],
///     data_migrations: vec!["d".into()],
/// };
/// assert_eq!(
///     e.to_string(),
///     "machine `m` names what the registry lacks: guard `g`, action `a`, action `b`, data migration `d`"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MissingBehaviour {
    /// The machine.
    pub machine: String,
    /// Missing guards.
    pub guards: Vec<String>,
    /// Missing actions.
    pub actions: Vec<String>,
    /// Missing data migrations (the `with` of the definition's migrations).
    pub data_migrations: Vec<String>,
}

impl fmt::Display for MissingBehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .guards
            .iter()
            .map(|g| format!("guard `{g}`"))
            .chain(self.actions.iter().map(|a| format!("action `{a}`")))
            .chain(
                self.data_migrations
                    .iter()
                    .map(|d| format!("data migration `{d}`")),
            )
            .collect();
        write!(
            f,
            "machine `{}` names what the registry lacks: {}",
            self.machine,
            names.join(", ")
        )
    }
}
