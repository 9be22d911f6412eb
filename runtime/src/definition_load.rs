//! Getting a definition that is data ready to run: JSON read, checked,
//! bound to a registry in one step, and a stored fingerprint compared with
//! the definition at hand.

use std::sync::Arc;

use stateforge_core::{Definition, Fingerprint, LoadError};

use crate::bound::Bound;
use crate::dyn_machine::DynMachine;
use crate::guard_registry::{MissingBehaviour, Registry};

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

/// A row or a history written under another definition than the one at
/// hand.
///
/// ```
/// use stateforge_core::Fingerprint;
/// let e = stateforge_runtime::check_fingerprint("task", Fingerprint(1), Fingerprint(2)).unwrap_err();
/// assert_eq!(e.to_string(), "machine `task` was written under definition 0000000000000002, this one is 0000000000000001");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("machine `{machine}` was written under definition {found}, this one is {expected}")]
pub struct FingerprintMismatch {
    /// The machine.
    pub machine: String,
    /// The fingerprint of the definition at hand.
    pub expected: Fingerprint,
    /// The fingerprint stored with the data.
    pub found: Fingerprint,
}

/// Checks that data stored with fingerprint `found` was written under the
/// definition whose fingerprint is `expected`.
///
/// # Errors
///
/// [`FingerprintMismatch`] when they differ.
///
/// ```
/// let def = stateforge_core::Definition::example();
/// stateforge_runtime::check_fingerprint(def.name(), def.fingerprint(), def.fingerprint()).unwrap();
/// ```
pub fn check_fingerprint(
    machine: &str,
    expected: Fingerprint,
    found: Fingerprint,
) -> Result<(), FingerprintMismatch> {
    if expected == found {
        Ok(())
    } else {
        Err(FingerprintMismatch {
            machine: machine.to_owned(),
            expected,
            found,
        })
    }
}

impl<C> Registry<C> {
    /// Reads a definition from JSON, checks it, and binds it to this
    /// registry.
    ///
    /// # Errors
    ///
    /// [`DefinitionError`]: bad JSON, an invalid definition, or missing
    /// guards and actions, each listing every problem.
    ///
    /// ```
    /// let bound = stateforge_runtime::Registry::<u32>::new()
    ///     .guard("can_retry", |n, _| *n < 3)
    ///     .bind_json(&stateforge_core::Definition::example().to_json())?;
    /// assert_eq!(bound.definition().name(), "task");
    /// # Ok::<(), stateforge_runtime::DefinitionError>(())
    /// ```
    pub fn bind_json(&self, json: &str) -> Result<Arc<Bound<C>>, DefinitionError> {
        Ok(self.bind(Definition::from_json(json)?)?)
    }
}

impl<C: Clone> DynMachine<C> {
    /// A machine in the initial state of the definition read from `json`,
    /// its guards and actions taken from `registry`.
    ///
    /// # Errors
    ///
    /// [`DefinitionError`], listing every problem.
    ///
    /// ```
    /// use stateforge_runtime::{DynMachine, Registry};
    /// let json = r#"{"name": "lamp", "states": [{"name": "off", "initial": true}, {"name": "on"}],
    ///   "events": [{"name": "toggle", "arms": [{"from": ["off"], "to": "on"}, {"from": ["on"], "to": "off"}]}]}"#;
    /// let mut lamp = DynMachine::from_json_definition(json, &Registry::new(), serde_json::json!({}))?;
    /// lamp.fire("toggle", &serde_json::Value::Null).unwrap();
    /// assert_eq!(lamp.state_name(), "on");
    /// # Ok::<(), stateforge_runtime::DefinitionError>(())
    /// ```
    pub fn from_json_definition(
        json: &str,
        registry: &Registry<C>,
        context: C,
    ) -> Result<Self, DefinitionError> {
        Ok(DynMachine::new(registry.bind_json(json)?, context))
    }
}
