//! Machines whose definition is data: fired by event name or id.

use std::fmt;
use std::sync::Arc;

use stateforge_core::{Definition, EventId, StateId};

use crate::guard_registry::{Args, Bound};

/// A refused event on a [`DynMachine`]; the machine is exactly as it was.
///
/// ```
/// let e = stateforge_runtime::DynError::NotAllowed { state: "pending".into(), event: "complete".into() };
/// assert_eq!(e.to_string(), "event `complete` is not allowed in state `pending`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DynError {
    /// The definition has no event of that name.
    #[error("machine `{machine}` has no event `{event}`")]
    UnknownEvent {
        /// The machine.
        machine: String,
        /// The name given.
        event: String,
    },
    /// The definition has no state of that name.
    #[error("machine `{machine}` has no state `{state}`")]
    UnknownState {
        /// The machine.
        machine: String,
        /// The name given.
        state: String,
    },
    /// No arm of the event leaves the current state.
    #[error("event `{event}` is not allowed in state `{state}`")]
    NotAllowed {
        /// The current state.
        state: String,
        /// The event.
        event: String,
    },
    /// The arm's guard said no.
    #[error("guard `{guard}` refused event `{event}` in state `{state}`")]
    GuardRefused {
        /// The current state.
        state: String,
        /// The event.
        event: String,
        /// The guard.
        guard: String,
    },
    /// A before-listener vetoed the transition.
    #[error("listener `{listener}` vetoed event `{event}` in state `{state}`: {reason}")]
    Vetoed {
        /// The current state.
        state: String,
        /// The event.
        event: String,
        /// The listener.
        listener: String,
        /// Why.
        reason: String,
    },
    /// The arm's action failed; its changes were discarded.
    #[error("action `{action}` of event `{event}` in state `{state}` failed: {message}")]
    ActionFailed {
        /// The current state.
        state: String,
        /// The event.
        event: String,
        /// The action.
        action: String,
        /// What it said.
        message: String,
    },
}

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
    state: StateId,
    context: C,
}

impl<C: fmt::Debug> fmt::Debug for DynMachine<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DynMachine")
            .field("machine", &self.bound.definition.name())
            .field("state", &self.bound.definition.state_name(self.state))
            .field("context", &self.context)
            .finish()
    }
}

impl<C: Clone> Clone for DynMachine<C> {
    fn clone(&self) -> Self {
        DynMachine {
            bound: Arc::clone(&self.bound),
            state: self.state,
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
        let state = bound.definition.initial();
        DynMachine {
            bound,
            state,
            context,
        }
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
            bound,
            state,
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
        self.state
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
        self.bound.definition.state_name(self.state)
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
        self.bound.definition.is_final(self.state)
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
        def.events_from(self.state)
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
        let Some(event) = self.bound.event_id(event) else {
            return false;
        };
        let Some(slot) = self.bound.slot(self.state, event) else {
            return false;
        };
        slot.guard
            .as_ref()
            .is_none_or(|guard| guard(&self.context, args))
    }

    /// Fires the event named `event` with `args`.
    ///
    /// # Errors
    ///
    /// A [`DynError`]; the machine, context included, is unchanged.
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
    /// A [`DynError`]; the machine, context included, is unchanged.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let mut m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// let assign = m.definition().event_id("assign").unwrap();
    /// m.fire_id(assign, &serde_json::Value::Null).unwrap();
    /// ```
    #[inline]
    pub fn fire_id(&mut self, event: EventId, args: &Args) -> Result<(), DynError> {
        let Some(slot) = self.bound.slot(self.state, event) else {
            return Err(self.refusal(event, None));
        };
        if let Some(guard) = &slot.guard
            && !guard(&self.context, args)
        {
            return Err(self.refusal(event, Some(slot.arm)));
        }
        if let Some(action) = &slot.action {
            // The action works on a copy: if it fails, nothing it changed stays.
            let mut context = self.context.clone();
            if let Err(message) = action(&mut context, args) {
                return Err(self.action_failed(event, slot.arm, message));
            }
            self.context = context;
        }
        self.state = slot.to;
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn unknown_event(&self, event: &str) -> DynError {
        DynError::UnknownEvent {
            machine: self.bound.definition.name().to_owned(),
            event: event.to_owned(),
        }
    }

    #[cold]
    #[inline(never)]
    fn action_failed(&self, event: EventId, arm: usize, message: String) -> DynError {
        let def = &self.bound.definition;
        DynError::ActionFailed {
            state: def.state_name(self.state).to_owned(),
            event: def.event_name(event).to_owned(),
            action: def.transitions()[arm]
                .action
                .as_deref()
                .unwrap_or_default()
                .to_owned(),
            message,
        }
    }

    #[cold]
    #[inline(never)]
    fn refusal(&self, event: EventId, guarded: Option<usize>) -> DynError {
        let def = &self.bound.definition;
        // An id from another definition must not panic here: name it by index.
        let event_name = if event.index() < def.events().len() {
            def.event_name(event).to_owned()
        } else {
            format!("#{}", event.index())
        };
        let (state, event) = (def.state_name(self.state).to_owned(), event_name);
        match guarded.and_then(|i| def.transitions()[i].guard.as_deref()) {
            Some(guard) => DynError::GuardRefused {
                state,
                event,
                guard: guard.to_owned(),
            },
            None => DynError::NotAllowed { state, event },
        }
    }
}
