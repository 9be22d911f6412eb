//! Guards and actions by name, for machines whose definition is data.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use stateforge_core::Definition;

// Also where the stores import it from.
pub(crate) use crate::bound::Bound;

/// An event's arguments, as JSON (`null` when there are none).
pub type Args = serde_json::Value;

pub(crate) type GuardFn<C> = Arc<dyn Fn(&C, &Args) -> bool + Send + Sync>;
pub(crate) type ActionFn<C> = Arc<dyn Fn(&mut C, &Args) -> Result<(), String> + Send + Sync>;

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
}

/// Guards and actions a definition names but the registry lacks.
///
/// ```
/// let e = stateforge_runtime::MissingBehaviour {
///     machine: "m".into(), guards: vec!["g".into()], actions: vec!["a".into(), "b".into()],
/// };
/// assert_eq!(e.to_string(), "machine `m` names what the registry lacks: guard `g`, action `a`, action `b`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MissingBehaviour {
    /// The machine.
    pub machine: String,
    /// Missing guards.
    pub guards: Vec<String>,
    /// Missing actions.
    pub actions: Vec<String>,
}

impl fmt::Display for MissingBehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .guards
            .iter()
            .map(|g| format!("guard `{g}`"))
            .chain(self.actions.iter().map(|a| format!("action `{a}`")))
            .collect();
        write!(
            f,
            "machine `{}` names what the registry lacks: {}",
            self.machine,
            names.join(", ")
        )
    }
}
