//! Machines whose definition is data: fired by event name or id.

use std::fmt;
use std::sync::Arc;

use stateforge_core::{Definition, EventId, StateId};

use super::behaviour::ActionFn;
use super::behaviour::Args;
use super::bind_error::DefinitionError;
use super::bound::{Bound, Position};
use super::refusal::{DynError, RefusedAt};
use super::registry::Registry;

/// A machine over a definition loaded at run time: its state and its
/// context (JSON by default, or any `Clone` type).
///
/// ```
/// use stateforge_runtime::{DynMachine, Registry};
/// let definition = stateforge_core::Definition::from_json(r#"{
///     "name": "door",
///     "states": [{"name": "closed", "initial": true}, {"name": "open"}],
///     "events": [
///         {"name": "open", "arms": [{"from": ["closed"], "to": "open", "guard": "unlocked"}]},
///         {"name": "close", "arms": [{"from": ["open"], "to": "closed"}]}
///     ]
/// }"#).unwrap();
/// let bound = Registry::new()
///     .guard("unlocked", |ctx: &serde_json::Value, _| ctx["locked"] == false)
///     .bind(definition)?;
/// let mut door = DynMachine::new(bound, serde_json::json!({"locked": true}));
/// assert!(door.fire("open", &serde_json::Value::Null).is_err());
/// door.context_mut()["locked"] = false.into();
/// door.fire("open", &serde_json::Value::Null).unwrap();
/// assert_eq!(door.state_name(), "open");
/// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
/// ```
pub struct DynMachine<C = serde_json::Value> {
    bound: Arc<Bound<C>>,
    /// The state, with its row in the bound's arms.
    position: Position,
    context: C,
}

impl<C: fmt::Debug> fmt::Debug for DynMachine<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynMachine")
            .field("machine", &self.bound.definition.name())
            .field(
                "state",
                &self.bound.definition.state_name(self.position.state),
            )
            .field("context", &self.context)
            .finish()
    }
}

impl<C: Clone> Clone for DynMachine<C> {
    fn clone(&self) -> Self {
        DynMachine {
            bound: Arc::clone(&self.bound),
            position: self.position,
            context: self.context.clone(),
        }
    }
}

impl<C: Clone> DynMachine<C> {
    /// A new machine in the definition's initial state.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert_eq!(m.state_name(), "pending");
    /// ```
    pub fn new(bound: Arc<Bound<C>>, context: C) -> Self {
        DynMachine {
            position: bound.position(bound.definition.initial()),
            bound,
            context,
        }
    }

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

    /// A machine already in state `state` (read from storage): no guard or
    /// action runs.
    ///
    /// # Errors
    ///
    /// [`DynError::UnknownState`] when the definition has no such state.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// use stateforge_runtime::DynMachine;
    /// let m = DynMachine::restore(bound.clone(), "failed", 0u8).unwrap();
    /// assert!(DynMachine::restore(bound, "archived", 0u8).is_err());
    /// ```
    pub fn restore(bound: Arc<Bound<C>>, state: &str, context: C) -> Result<Self, DynError> {
        let Some(state) = bound.definition.state_id(state) else {
            return Err(DynError::UnknownState {
                machine: bound.definition.name().to_owned(),
                state: state.to_owned(),
            });
        };
        Ok(DynMachine {
            position: bound.position(state),
            bound,
            context,
        })
    }

    /// The definition.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert_eq!(m.definition().name(), "task");
    /// ```
    pub fn definition(&self) -> &Definition {
        &self.bound.definition
    }

    /// The bound definition this machine shares with its siblings.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound.clone(), 0u8);
    /// assert!(std::sync::Arc::ptr_eq(m.bound(), &bound));
    /// ```
    pub fn bound(&self) -> &Arc<Bound<C>> {
        &self.bound
    }

    /// The current state.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert_eq!(m.state(), m.definition().initial());
    /// ```
    pub fn state(&self) -> StateId {
        self.position.state
    }

    /// The current state's name.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert_eq!(m.state_name(), "pending");
    /// ```
    pub fn state_name(&self) -> &str {
        self.bound.definition.state_name(self.position.state)
    }

    /// Whether the current state is final.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert!(!m.is_final());
    /// ```
    pub fn is_final(&self) -> bool {
        self.bound.definition.is_final(self.position.state)
    }

    /// The context.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 7u8);
    /// assert_eq!(*m.context(), 7);
    /// ```
    pub fn context(&self) -> &C {
        &self.context
    }

    /// The context, to change; the state stays as it is.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let mut m = stateforge_runtime::DynMachine::new(bound, 7u8);
    /// *m.context_mut() += 1;
    /// ```
    pub fn context_mut(&mut self) -> &mut C {
        &mut self.context
    }

    /// The machine taken apart: its state's name and its context.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 7u8);
    /// assert_eq!(m.into_parts(), ("pending".to_owned(), 7));
    /// ```
    pub fn into_parts(self) -> (String, C) {
        (self.state_name().to_owned(), self.context)
    }

    /// The names of the events with an arm out of the current state
    /// (guards not consulted).
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert_eq!(m.allowed_events(), ["assign"]);
    /// ```
    pub fn allowed_events(&self) -> Vec<&str> {
        let def = &self.bound.definition;
        def.events_from(self.position.state)
            .map(|e| def.event_name(e))
            .collect()
    }

    /// Whether `event` would be accepted now, its guard consulted.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert!(m.can_fire("assign", &serde_json::Value::Null));
    /// assert!(!m.can_fire("complete", &serde_json::Value::Null));
    /// ```
    pub fn can_fire(&self, event: &str, args: &Args) -> bool {
        self.bound
            .event_id(event)
            .and_then(|event| self.bound.arm(self.position, event))
            .is_some_and(|mut arm| {
                // Any alternative whose guard says yes (or that has none).
                loop {
                    let Some(checks) = &arm.checks else {
                        return true;
                    };
                    if checks
                        .guard
                        .as_ref()
                        .is_none_or(|guard| guard(&self.context, args))
                    {
                        return true;
                    }
                    match &checks.otherwise {
                        Some(next) => arm = next,
                        None => return false,
                    }
                }
            })
    }

    /// The state `event` would lead to now, without firing it: the
    /// target of its arm out of the current state, `None` if it has none.
    /// Guards are consulted only to choose among guarded alternatives (if
    /// none says yes, the first alternative's target, which firing then
    /// refuses); a single arm's guard is left to firing.
    pub(crate) fn target_id(&self, event: EventId, args: &Args) -> Option<StateId> {
        let first = self.bound.arm(self.position, event)?;
        if first.checks.as_ref().is_none_or(|c| c.otherwise.is_none()) {
            return Some(first.to.state);
        }
        let mut arm = first;
        loop {
            let checks = arm.checks.as_ref();
            let guard = checks.and_then(|c| c.guard.as_ref());
            if guard.is_none_or(|g| g(&self.context, args)) {
                return Some(arm.to.state);
            }
            match checks.and_then(|c| c.otherwise.as_deref()) {
                Some(next) => arm = next,
                None => return Some(first.to.state),
            }
        }
    }

    /// Fires the event named `event` with `args`.
    ///
    /// # Errors
    ///
    /// A [`DynError`]; the machine, context included, is unchanged. A
    /// refusal of a known event allocates nothing; a name the definition
    /// lacks is copied into [`DynError::UnknownEvent`].
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let mut m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// m.fire("assign", &serde_json::Value::Null).unwrap();
    /// assert_eq!(m.fire("assign", &serde_json::Value::Null).unwrap_err().to_string(),
    ///            "event `assign` is not allowed in state `assigned`");
    /// ```
    #[inline]
    pub fn fire(&mut self, event: &str, args: &Args) -> Result<(), DynError> {
        match self.bound.event_id(event) {
            Some(id) => self.fire_id(id, args),
            None => Err(self.unknown_event(event)),
        }
    }

    /// Fires event `event`, resolved beforehand with
    /// [`Definition::event_id`]: one table lookup.
    ///
    /// # Errors
    ///
    /// A [`DynError`]; the machine, context included, is unchanged. A
    /// refusal allocates nothing (an id out of the definition's range is a
    /// [`DynError::UnknownEvent`] named `#` and its index).
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let mut m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// let assign = m.definition().event_id("assign").unwrap();
    /// m.fire_id(assign, &serde_json::Value::Null).unwrap();
    /// ```
    // Always inlined: an arm without guard or action is a few
    // instructions that belong in the caller's loop; a guard is called
    // from there, an action out of line.
    #[inline(always)]
    pub fn fire_id(&mut self, event: EventId, args: &Args) -> Result<(), DynError> {
        let Some(arm) = self.bound.arm(self.position, event) else {
            return Err(self.no_arm(event));
        };
        if let Some(checks) = &arm.checks {
            if let Some(guard) = &checks.guard
                && !guard(&self.context, args)
            {
                return self.fire_otherwise(event, args);
            }
            if !checks.actions.is_empty()
                && let Err((step, message)) = run_actions(&checks.actions, &mut self.context, args)
            {
                return Err(self.action_failure(event, 0, step, message));
            }
        }
        self.position = arm.to;
        Ok(())
    }

    /// The first arm of `event` out of the current state has a guard that
    /// said no: tries the event's other alternatives out of the state, in
    /// order, the first whose guard says yes (or that has none) taken.
    /// Out of line: machines without alternatives never come here but to
    /// be refused.
    #[inline(never)]
    fn fire_otherwise(&mut self, event: EventId, args: &Args) -> Result<(), DynError> {
        let bound = Arc::clone(&self.bound);
        let Some(mut arm) = bound.arm(self.position, event) else {
            return Err(self.no_arm(event));
        };
        let mut alternative = 0;
        loop {
            let Some(next) = arm.checks.as_ref().and_then(|c| c.otherwise.as_deref()) else {
                return Err(self.guard_refusal(event, alternative));
            };
            arm = next;
            alternative += 1;
            if let Some(checks) = &arm.checks {
                if let Some(guard) = &checks.guard
                    && !guard(&self.context, args)
                {
                    continue;
                }
                if !checks.actions.is_empty()
                    && let Err((step, message)) =
                        run_actions(&checks.actions, &mut self.context, args)
                {
                    return Err(self.action_failure(event, alternative, step, message));
                }
            }
            self.position = arm.to;
            return Ok(());
        }
    }

    #[cold]
    #[inline(never)]
    pub(crate) fn unknown_event(&self, event: &str) -> DynError {
        DynError::UnknownEvent {
            machine: self.bound.definition.name().to_owned(),
            event: event.to_owned(),
        }
    }

    /// The `step`-th action (exits, the arm's, entries) of the arm of
    /// `event` out of the current state (its `alternative`-th
    /// alternative) failed, saying `message`.
    #[cold]
    #[inline(never)]
    fn action_failure(
        &self,
        event: EventId,
        alternative: u32,
        step: u32,
        message: String,
    ) -> DynError {
        DynError::ActionFailed {
            at: self
                .refused_at(event)
                .at_alternative(alternative)
                .at_action(step),
            message,
        }
    }

    /// The guard of the arm of `event` out of the current state said no,
    /// and so did those of its alternatives up to the `alternative`-th.
    #[cold]
    #[inline(never)]
    fn guard_refusal(&self, event: EventId, alternative: u32) -> DynError {
        DynError::GuardRefused {
            at: self.refused_at(event).at_alternative(alternative),
        }
    }

    /// No arm of `event` leaves the current state: a refusal, with no
    /// name copied, when `event` is one of the definition's events, an
    /// unknown event otherwise.
    #[cold]
    #[inline(never)]
    fn no_arm(&self, event: EventId) -> DynError {
        if event.index() >= self.bound.definition.events().len() {
            return self.unknown_id(event);
        }
        DynError::NotAllowed {
            at: self.refused_at(event),
        }
    }

    /// Where `event`, one of the definition's events, was refused: the
    /// current state, and the definition that names both.
    fn refused_at(&self, event: EventId) -> RefusedAt {
        RefusedAt::known(
            Arc::clone(&self.bound.definition),
            self.position.state,
            event,
        )
    }

    /// `event` is out of the definition's range (an id of another
    /// definition): an unknown event, `#` and its index, rather than a
    /// panic when it is named.
    fn unknown_id(&self, event: EventId) -> DynError {
        DynError::UnknownEvent {
            machine: self.bound.definition.name().to_owned(),
            event: format!("#{}", event.index()),
        }
    }
}

/// Runs `actions` in order on a copy of `context`, kept only if every one
/// succeeds: if one fails, nothing any of them changed stays, and the
/// failure comes back with the failed action's position. Out of line, so
/// that [`DynMachine::fire_id`] stays small enough to inline.
#[inline(never)]
fn run_actions<C: Clone>(
    actions: &[ActionFn<C>],
    context: &mut C,
    args: &Args,
) -> Result<(), (u32, String)> {
    let mut changed = context.clone();
    for (step, action) in actions.iter().enumerate() {
        // A transition has at most a few actions.
        let step = u32::try_from(step).unwrap_or(u32::MAX);
        action(&mut changed, args).map_err(|message| (step, message))?;
    }
    *context = changed;
    Ok(())
}
