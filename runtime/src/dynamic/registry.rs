//! Guards and actions by name, for machines whose definition is data.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use stateforge_core::Definition;

use super::behaviour::{ActionFn, Args, DataFn, GuardFn};
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
    data_migrations: BTreeMap<String, DataFn>,
}

impl<C> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            guards: BTreeMap::new(),
            actions: BTreeMap::new(),
            data_migrations: BTreeMap::new(),
        }
    }
}

impl<C> fmt::Debug for Registry<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("guards", &self.guard_names())
            .field("actions", &self.actions.keys().collect::<Vec<_>>())
            .field(
                "data_migrations",
                &self.data_migrations.keys().collect::<Vec<_>>(),
            )
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
    /// A definition names it as an arm's action or as a state's entry or
    /// exit action; each is called with the event's arguments.
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

    /// Adds data migration `name`: makes the data of a row migrated by a
    /// declared migration naming it (`"with": name`) from the data an
    /// older definition wrote (for a dynamic machine, its context as
    /// stored); an `Err` refuses the row, which stays as it was. A store
    /// runs it when it migrates the row: on a load or a transition of it,
    /// or in `migrate_dyn`.
    ///
    /// ```
    /// use serde_json::{Value, json};
    /// let r = stateforge_runtime::Registry::<Value>::new().data_migration("cents", |mut data| {
    ///     let euros = data["price"].as_f64().ok_or("no price")?;
    ///     data["price"] = json!((euros * 100.0).round() as i64);
    ///     Ok(data)
    /// });
    /// assert!(format!("{r:?}").contains("cents"));
    /// ```
    #[must_use]
    pub fn data_migration(
        mut self,
        name: impl Into<String>,
        migrate: impl Fn(serde_json::Value) -> Result<serde_json::Value, String> + Send + Sync + 'static,
    ) -> Self {
        self.data_migrations.insert(name.into(), Arc::new(migrate));
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

    /// Resolves every guard and action `definition` names (arms' actions
    /// and states' entry and exit actions alike, from the same names
    /// given to [`Registry::action`]), once: firing
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
            data_migrations: Vec::new(),
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
            // The exit actions, the arm's, the entry actions: one list,
            // in the order firing runs them.
            let steps: Box<[ActionFn<C>]> = t
                .actions()
                .filter_map(|step| {
                    let found = self.actions.get(step.name).cloned();
                    if found.is_none() && !missing.actions.iter().any(|a| a == step.name) {
                        missing.actions.push(step.name.to_owned());
                    }
                    found
                })
                .collect();
            actions.push(steps);
        }
        let mut data_migrations = BTreeMap::new();
        for with in definition
            .spec()
            .migrations
            .iter()
            .filter_map(|m| m.with.as_deref())
        {
            match self.data_migrations.get(with) {
                Some(f) => {
                    data_migrations.insert(with.to_owned(), Arc::clone(f));
                }
                None if !missing.data_migrations.iter().any(|d| d == with) => {
                    missing.data_migrations.push(with.to_owned());
                }
                None => {}
            }
        }
        if missing.guards.is_empty()
            && missing.actions.is_empty()
            && missing.data_migrations.is_empty()
        {
            Ok(Arc::new(Bound::new(
                definition,
                &guards,
                &actions,
                data_migrations,
            )))
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
