//! Guards and actions by name, for machines whose definition is data.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use stateforge_core::Definition;

use super::behaviour::{ActionFn, Args, GuardFn};
use super::bind_error::{DefinitionError, MissingBehaviour};
use super::bound::Bound;

/// Guards and actions a definition may name, filled by the application.
///
/// ```
/// use stateforge_runtime::Registry;
/// let registry = Registry::<serde_json::Value>::new()
///     .guard("has_description", |ctx, _args| ctx["description"].is_string())
///     .action("stamp", |ctx, _args| { ctx["stamped"] = true.into(); Ok(()) });
/// assert_eq!(registry.guard_names(), ["has_description"]);
/// ```
pub struct Registry<C> {
    guards: BTreeMap<String, GuardFn<C>>,
    actions: BTreeMap<String, ActionFn<C>>,
}

impl<C> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            guards: BTreeMap::new(),
            actions: BTreeMap::new(),
        }
    }
}

impl<C> fmt::Debug for Registry<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("guards", &self.guard_names())
            .field("actions", &self.actions.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<C> Registry<C> {
    /// An empty registry.
    ///
    /// ```
    /// assert!(stateforge_runtime::Registry::<()>::new().guard_names().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds guard `name`: says whether a transition may happen, from the
    /// context and the event's arguments.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<u32>::new().guard("below_three", |n, _| *n < 3);
    /// assert_eq!(r.guard_names(), ["below_three"]);
    /// ```
    #[must_use]
    pub fn guard(
        mut self,
        name: impl Into<String>,
        guard: impl Fn(&C, &Args) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.guards.insert(name.into(), Arc::new(guard));
        self
    }

    /// Adds action `name`: changes the context while the transition
    /// happens; an `Err` refuses the transition, which then has no effect.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<u32>::new().action("count", |n, _| { *n += 1; Ok(()) });
    /// ```
    #[must_use]
    pub fn action(
        mut self,
        name: impl Into<String>,
        action: impl Fn(&mut C, &Args) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.actions.insert(name.into(), Arc::new(action));
        self
    }

    /// The guards' names, sorted.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<()>::new().guard("b", |_, _| true).guard("a", |_, _| true);
    /// assert_eq!(r.guard_names(), ["a", "b"]);
    /// ```
    pub fn guard_names(&self) -> Vec<&str> {
        self.guards.keys().map(String::as_str).collect()
    }

    /// Resolves every guard and action `definition` names, once: firing
    /// then does no lookup by name. A definition naming something this
    /// registry lacks is refused here, with every missing name, never
    /// discovered when an event fires.
    ///
    /// # Errors
    ///
    /// [`MissingBehaviour`] listing every missing guard and action.
    ///
    /// ```
    /// use stateforge_runtime::Registry;
    /// let def = stateforge_core::Definition::example(); // retry needs guard `can_retry`
    /// let err = Registry::<()>::new().bind(def).unwrap_err();
    /// assert_eq!(err.to_string(), "machine `task` names what the registry lacks: guard `can_retry`");
    /// ```
    pub fn bind(&self, definition: Definition) -> Result<Arc<Bound<C>>, MissingBehaviour> {
        let mut missing = MissingBehaviour {
            machine: definition.name().to_owned(),
            guards: Vec::new(),
            actions: Vec::new(),
        };
        let mut guards = Vec::new();
        let mut actions = Vec::new();
        for t in definition.transitions() {
            guards.push(t.guard.as_deref().and_then(|name| {
                let found = self.guards.get(name).cloned();
                if found.is_none() && !missing.guards.iter().any(|g| g == name) {
                    missing.guards.push(name.to_owned());
                }
                found
            }));
            actions.push(t.action.as_deref().and_then(|name| {
                let found = self.actions.get(name).cloned();
                if found.is_none() && !missing.actions.iter().any(|a| a == name) {
                    missing.actions.push(name.to_owned());
                }
                found
            }));
        }
        if missing.guards.is_empty() && missing.actions.is_empty() {
            Ok(Arc::new(Bound::new(definition, &guards, &actions)))
        } else {
            Err(missing)
        }
    }

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
