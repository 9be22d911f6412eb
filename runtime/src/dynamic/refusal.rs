//! Why a [`DynMachine`](crate::DynMachine) refused an event.

use std::fmt;
use std::sync::Arc;

use stateforge_core::{ActionStep, Definition, EventId, StateId, Transition};

/// Where an event was refused: the event and the state, by id, with the
/// definition they belong to, shared with the machine. Names are read
/// from the definition when asked for, so a refusal copies no name and
/// allocates nothing.
///
/// ```
/// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
/// #     .bind(stateforge_core::Definition::example()).unwrap();
/// use stateforge_runtime::{DynError, DynMachine};
/// let mut m = DynMachine::new(bound, 0u8);
/// let DynError::NotAllowed { at } = m.fire("complete", &serde_json::Value::Null).unwrap_err() else {
///     panic!("no arm of `complete` leaves `pending`");
/// };
/// assert_eq!((at.state_name(), at.event_name()), ("pending", "complete"));
/// assert_eq!(at.definition().name(), "task");
/// ```
#[derive(Clone)]
pub struct RefusedAt {
    definition: Arc<Definition>,
    state: StateId,
    event: EventId,
    /// Which of the event's alternatives out of the state the refusal
    /// came from: the one whose action failed, or the last whose guard
    /// said no. 0 for an event without alternatives.
    alternative: u32,
    /// Which of the arm's actions failed, by its position in
    /// [`Transition::actions`] (exits, the arm's own, entries); 0 when
    /// no action failed.
    action: u32,
}

impl RefusedAt {
    /// `state` and `event` of `definition`; `None` when either id is out
    /// of its range.
    ///
    /// ```
    /// let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// let (failed, retry) = (def.state_id("failed").unwrap(), def.event_id("retry").unwrap());
    /// let at = stateforge_runtime::RefusedAt::new(def.clone(), failed, retry).unwrap();
    /// assert_eq!(at.guard(), Some("can_retry"));
    /// assert!(stateforge_runtime::RefusedAt::new(def, failed, stateforge_core::EventId::__from_index(99)).is_none());
    /// ```
    pub fn new(definition: Arc<Definition>, state: StateId, event: EventId) -> Option<RefusedAt> {
        (state.index() < definition.states().len() && event.index() < definition.events().len())
            .then(|| RefusedAt::known(definition, state, event))
    }

    /// `state` and `event`, known to be `definition`'s.
    pub(crate) fn known(definition: Arc<Definition>, state: StateId, event: EventId) -> RefusedAt {
        RefusedAt {
            definition,
            state,
            event,
            alternative: 0,
            action: 0,
        }
    }

    /// The same refusal, from the `alternative`-th of the event's
    /// alternatives out of the state.
    pub(crate) fn at_alternative(mut self, alternative: u32) -> RefusedAt {
        self.alternative = alternative;
        self
    }

    /// The same refusal, from the `action`-th action of the arm.
    pub(crate) fn at_action(mut self, action: u32) -> RefusedAt {
        self.action = action;
        self
    }

    /// The definition of the machine that refused.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("start").unwrap()).unwrap();
    /// assert_eq!(at.definition().name(), "task");
    /// ```
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// The state the machine was in (and still is).
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("start").unwrap()).unwrap();
    /// assert_eq!(at.state(), def.initial());
    /// ```
    pub fn state(&self) -> StateId {
        self.state
    }

    /// The state's name.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("start").unwrap()).unwrap();
    /// assert_eq!(at.state_name(), "pending");
    /// ```
    pub fn state_name(&self) -> &str {
        self.definition.state_name(self.state)
    }

    /// The refused event.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("start").unwrap()).unwrap();
    /// assert_eq!(at.event(), def.event_id("start").unwrap());
    /// ```
    pub fn event(&self) -> EventId {
        self.event
    }

    /// The event's name.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("start").unwrap()).unwrap();
    /// assert_eq!(at.event_name(), "start");
    /// ```
    pub fn event_name(&self) -> &str {
        self.definition.event_name(self.event)
    }

    /// The arm the event takes out of the state, if it has one; for an
    /// event with guarded alternatives out of the state, the one refused:
    /// the last whose guard said no, or the one whose action failed.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("start").unwrap()).unwrap();
    /// assert!(at.arm().is_none(), "`start` does not leave `pending`");
    /// ```
    pub fn arm(&self) -> Option<&Transition> {
        self.definition
            .alternatives(self.state, self.event)
            .get(self.alternative as usize)
    }

    /// The guards that said no, in the order they were asked: the
    /// arm's, and for guarded alternatives those of every alternative
    /// tried before it. Empty when no guard was asked.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// let (failed, retry) = (def.state_id("failed").unwrap(), def.event_id("retry").unwrap());
    /// let at = stateforge_runtime::RefusedAt::new(def.clone(), failed, retry).unwrap();
    /// assert_eq!(at.guards_tried(), ["can_retry"]);
    /// ```
    pub fn guards_tried(&self) -> Vec<&str> {
        let alternatives = self.definition.alternatives(self.state, self.event);
        let tried = alternatives.len().min(self.alternative as usize + 1);
        alternatives[..tried]
            .iter()
            .filter_map(|t| t.guard.as_deref())
            .collect()
    }

    /// `` guard `a` `` or `` guards `a`, `b` ``: what a guard refusal's
    /// message names.
    fn guards_refused(&self) -> String {
        let tried = self.guards_tried();
        let names: Vec<String> = tried.iter().map(|g| format!("`{g}`")).collect();
        let noun = if names.len() > 1 { "guards" } else { "guard" };
        format!("{noun} {}", names.join(", "))
    }

    /// The arm's guard, if it has one.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("assign").unwrap()).unwrap();
    /// assert_eq!(at.guard(), None);
    /// ```
    pub fn guard(&self) -> Option<&str> {
        self.arm()?.guard.as_deref()
    }

    /// The arm's action, if it has one.
    ///
    /// ```
    /// # let def = std::sync::Arc::new(stateforge_core::Definition::example());
    /// # let at = stateforge_runtime::RefusedAt::new(def.clone(), def.initial(), def.event_id("assign").unwrap()).unwrap();
    /// assert_eq!(at.action(), None);
    /// ```
    pub fn action(&self) -> Option<&str> {
        self.arm()?.action.as_deref()
    }

    /// For [`DynError::ActionFailed`], the action that failed: the arm's
    /// own, or an exit or entry action of a state it leaves or enters
    /// ([`ActionStep::kind`] says which); for another refusal, the first
    /// action the arm would have run.
    ///
    /// ```
    /// use stateforge_core::{ActionKind, Definition};
    /// use stateforge_runtime::{DynError, DynMachine, Registry};
    /// let def = Definition::from_json(r#"{"format": 3, "name": "door",
    ///   "states": [{"name": "closed", "initial": true, "exit": "unlatch"}, {"name": "open"}],
    ///   "events": [{"name": "open", "arms": [{"from": ["closed"], "to": "open"}]},
    ///              {"name": "close", "arms": [{"from": ["open"], "to": "closed"}]}]}"#).unwrap();
    /// let bound = Registry::<u8>::new()
    ///     .action("unlatch", |_, _| Err("jammed".into()))
    ///     .bind(def)?;
    /// let mut door = DynMachine::new(bound, 0);
    /// let DynError::ActionFailed { at, .. } = door.fire("open", &serde_json::Value::Null).unwrap_err() else {
    ///     panic!("the exit action failed");
    /// };
    /// let failed = at.failed_action().unwrap();
    /// assert_eq!((failed.kind, failed.name), (ActionKind::Exit, "unlatch"));
    /// assert_eq!(at.action(), None, "the arm has no action of its own");
    /// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
    /// ```
    pub fn failed_action(&self) -> Option<ActionStep<'_>> {
        self.arm()?.actions().nth(self.action as usize)
    }
}

impl fmt::Debug for RefusedAt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RefusedAt")
            .field("machine", &self.definition.name())
            .field("state", &self.state_name())
            .field("event", &self.event_name())
            .finish()
    }
}

/// The same state and event of the same definition. A definition loaded
/// twice compares by fingerprint, which ignores declaration order, so
/// there the state and event compare by name: ids are positions in
/// declaration order, and two loads may declare in different orders.
impl PartialEq for RefusedAt {
    fn eq(&self, other: &RefusedAt) -> bool {
        if self.alternative != other.alternative || self.action != other.action {
            return false;
        }
        if Arc::ptr_eq(&self.definition, &other.definition) {
            return self.state == other.state && self.event == other.event;
        }
        self.definition.fingerprint() == other.definition.fingerprint()
            && self.state_name() == other.state_name()
            && self.event_name() == other.event_name()
    }
}

impl Eq for RefusedAt {}

/// A refused event on a [`DynMachine`](crate::DynMachine); the machine is
/// exactly as it was.
///
/// An event the machine knows but refuses carries a [`RefusedAt`] (ids and
/// the shared definition: no allocation); a name the definition lacks is
/// kept as given.
///
/// ```
/// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
/// #     .bind(stateforge_core::Definition::example()).unwrap();
/// # let mut m = stateforge_runtime::DynMachine::new(bound, 0u8);
/// let e = m.fire("complete", &serde_json::Value::Null).unwrap_err();
/// assert_eq!(e.to_string(), "event `complete` is not allowed in state `pending`");
/// assert_eq!(e.refused_at().unwrap().state_name(), "pending");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DynError {
    /// The definition has no event of that name (or an [`EventId`] of
    /// another definition was fired: `#` and its index).
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
    #[error("event `{}` is not allowed in state `{}`", .at.event_name(), .at.state_name())]
    NotAllowed {
        /// The state and the event.
        at: RefusedAt,
    },
    /// The arm's guard ([`RefusedAt::guard`]) said no; for guarded
    /// alternatives without an else, every one's
    /// ([`RefusedAt::guards_tried`]).
    #[error(
        "{} refused event `{}` in state `{}`",
        .at.guards_refused(),
        .at.event_name(),
        .at.state_name()
    )]
    GuardRefused {
        /// The state and the event.
        at: RefusedAt,
    },
    /// A before-listener vetoed the transition.
    #[error(
        "listener `{listener}` vetoed event `{}` in state `{}`: {reason}",
        .at.event_name(),
        .at.state_name()
    )]
    Vetoed {
        /// The state and the event.
        at: RefusedAt,
        /// The listener.
        listener: String,
        /// Why.
        reason: String,
    },
    /// One of the arm's actions ([`RefusedAt::failed_action`]: its own,
    /// or a state's exit or entry action) failed; the changes of every
    /// action of the transition were discarded.
    #[error(
        "{} of event `{}` in state `{}` failed: {message}",
        .at.failed_action().map(|a| a.to_string()).unwrap_or_default(),
        .at.event_name(),
        .at.state_name()
    )]
    ActionFailed {
        /// The state and the event.
        at: RefusedAt,
        /// What it said.
        message: String,
    },
}

impl DynError {
    /// Where a known event was refused; `None` for an unknown name.
    ///
    /// ```
    /// # let bound = stateforge_runtime::Registry::<u8>::new().guard("can_retry", |_, _| true)
    /// #     .bind(stateforge_core::Definition::example()).unwrap();
    /// # let mut m = stateforge_runtime::DynMachine::new(bound, 0u8);
    /// assert!(m.fire("archive", &serde_json::Value::Null).unwrap_err().refused_at().is_none());
    /// let e = m.fire("start", &serde_json::Value::Null).unwrap_err();
    /// assert_eq!(e.refused_at().unwrap().event_name(), "start");
    /// ```
    pub fn refused_at(&self) -> Option<&RefusedAt> {
        match self {
            DynError::UnknownEvent { .. } | DynError::UnknownState { .. } => None,
            DynError::NotAllowed { at }
            | DynError::GuardRefused { at }
            | DynError::Vetoed { at, .. }
            | DynError::ActionFailed { at, .. } => Some(at),
        }
    }
}
