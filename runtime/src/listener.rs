//! Listeners around transitions: before (may veto) and after (may fail,
//! never breaking the transition). Generated machines and
//! [`DynMachine`]s use the same [`Listeners`] collection, so one set of
//! listeners (and one history log) serves both worlds.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use stateforge_core::{Event, EventId, Machine, NotAllowed};

use crate::db::TransitionMeta;
use crate::dynamic::{Args, DynError, DynMachine, RefusedAt};

mod outbox;

/// The transition a listener is told about: where from, where to, and,
/// when it came through a store, who moved it and why
/// ([`meta`](Self::meta)); for a machine defined as data, the event's
/// arguments ([`args`](Self::args); a typed event carries its own).
///
/// ```
/// use stateforge_runtime::{TransitionInfo, db::TransitionMeta};
/// let meta = TransitionMeta::new().reason("agent crashed").actor("watchdog");
/// let t = TransitionInfo::new("task", Some("t-1"), "fail", "assigned", "failed").with_meta(&meta);
/// assert_eq!(t.to_string(), "task t-1: assigned --fail--> failed");
/// assert_eq!(t.meta.and_then(|m| m.actor.as_deref()), Some("watchdog"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct TransitionInfo<'a> {
    /// The machine's name.
    pub machine: &'a str,
    /// The entity's id, when the machine is kept in a store.
    pub entity_id: Option<&'a str>,
    /// The event.
    pub event: &'a str,
    /// The state left.
    pub from: &'a str,
    /// The state entered (for a before-listener: the one the arm leads to).
    pub to: &'a str,
    /// Reason, actor, session and metadata, when the transition came
    /// through a store's `fire_with` (its after-listeners).
    pub meta: Option<&'a TransitionMeta>,
    /// The event's arguments, for a machine defined as data.
    pub args: Option<&'a Args>,
}

impl<'a> TransitionInfo<'a> {
    /// A transition without meta or arguments.
    ///
    /// ```
    /// let t = stateforge_runtime::TransitionInfo::new("door", None, "open", "closed", "open");
    /// assert!(t.meta.is_none() && t.args.is_none());
    /// ```
    pub fn new(
        machine: &'a str,
        entity_id: Option<&'a str>,
        event: &'a str,
        from: &'a str,
        to: &'a str,
    ) -> TransitionInfo<'a> {
        TransitionInfo {
            machine,
            entity_id,
            event,
            from,
            to,
            meta: None,
            args: None,
        }
    }

    /// With who moved the entity, why, and under which session.
    ///
    /// ```
    /// # use stateforge_runtime::{TransitionInfo, db::TransitionMeta};
    /// let meta = TransitionMeta::new().reason("done");
    /// let t = TransitionInfo::new("door", None, "open", "closed", "open").with_meta(&meta);
    /// assert_eq!(t.meta.unwrap().reason.as_deref(), Some("done"));
    /// ```
    #[must_use]
    pub fn with_meta(mut self, meta: &'a TransitionMeta) -> TransitionInfo<'a> {
        self.meta = Some(meta);
        self
    }

    /// With the event's arguments.
    ///
    /// ```
    /// # use stateforge_runtime::TransitionInfo;
    /// let args = serde_json::json!({"reason": "late"});
    /// let t = TransitionInfo::new("job", None, "fail", "running", "failed").with_args(&args);
    /// assert_eq!(t.args.unwrap()["reason"], "late");
    /// ```
    #[must_use]
    pub fn with_args(mut self, args: &'a Args) -> TransitionInfo<'a> {
        self.args = Some(args);
        self
    }
}

impl fmt::Display for TransitionInfo<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.machine)?;
        if let Some(id) = self.entity_id {
            write!(f, " {id}")?;
        }
        write!(f, ": {} --{}--> {}", self.from, self.event, self.to)
    }
}

// Shared, so that a store may hand a copy of the listeners to a task.
type Before<M> = Arc<dyn Fn(&TransitionInfo<'_>, &M) -> Result<(), String> + Send + Sync>;
type After<M> =
    Arc<dyn Fn(&TransitionInfo<'_>, &M) -> Result<(), Box<dyn std::error::Error>> + Send + Sync>;

/// A refused [`Listeners::fire`]: the machine and the event come back.
///
/// ```
/// # use stateforge_runtime::FireError;
/// let e: FireError<u8, u8> = FireError::Vetoed {
///     machine: 1, event: 2, listener: "quota".into(), reason: "over quota".into(),
/// };
/// assert_eq!(e.to_string(), "listener `quota` vetoed the transition: over quota");
/// ```
pub enum FireError<M, E> {
    /// The machine itself refused (no transition, or a guard).
    NotAllowed(NotAllowed<M, E>),
    /// A before-listener vetoed.
    Vetoed {
        /// The machine, unchanged.
        machine: M,
        /// The event.
        event: E,
        /// The listener's name.
        listener: String,
        /// Why.
        reason: String,
    },
}

impl<M, E> FireError<M, E> {
    /// The machine and the event, handed back.
    ///
    /// ```
    /// # use stateforge_runtime::FireError;
    /// let e: FireError<u8, u8> = FireError::Vetoed { machine: 1, event: 2, listener: "l".into(), reason: "r".into() };
    /// assert_eq!(e.into_parts(), (1, 2));
    /// ```
    pub fn into_parts(self) -> (M, E) {
        match self {
            FireError::NotAllowed(n) => n.into_parts(),
            FireError::Vetoed { machine, event, .. } => (machine, event),
        }
    }
}

impl<M, E> fmt::Display for FireError<M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FireError::NotAllowed(n) => n.fmt(f),
            FireError::Vetoed {
                listener, reason, ..
            } => write!(f, "listener `{listener}` vetoed the transition: {reason}"),
        }
    }
}

impl<M, E> fmt::Debug for FireError<M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FireError::NotAllowed(n) => f.debug_tuple("NotAllowed").field(n).finish(),
            FireError::Vetoed {
                listener, reason, ..
            } => f
                .debug_struct("Vetoed")
                .field("listener", listener)
                .field("reason", reason)
                .finish_non_exhaustive(),
        }
    }
}

impl<M, E> std::error::Error for FireError<M, E> {}

/// Listeners of a machine, run in the order they were added.
///
/// Before-listeners run once the machine has an arm for the event, before
/// anything changes, and may veto with a reason. After-listeners run once
/// the transition is applied; an error or a panic in one is logged through
/// `tracing` and goes no further: the transition stays applied and the
/// other listeners still run. Outbox listeners ([`Listeners::outbox`])
/// compose messages a store writes with the transition, in its
/// transaction.
///
/// ```
/// use stateforge_runtime::{FireError, Listeners};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; }
/// }
/// let mut listeners = Listeners::<AnyDoor>::new();
/// listeners.before("night lock", |t, _door| {
///     if t.event == "open" { Err("it is night".to_owned()) } else { Ok(()) }
/// });
/// let door = AnyDoor::from(Door::new());
/// let err = listeners.fire(door, DoorEvent::Open, None).unwrap_err();
/// assert!(matches!(err, FireError::Vetoed { .. }));
/// ```
pub struct Listeners<M> {
    before: Vec<(String, Before<M>)>,
    after: Vec<(String, After<M>)>,
    outbox: Vec<(String, outbox::Compose<M>)>,
}

impl<M> Default for Listeners<M> {
    fn default() -> Self {
        Listeners {
            before: Vec::new(),
            after: Vec::new(),
            outbox: Vec::new(),
        }
    }
}

impl<M> fmt::Debug for Listeners<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Listeners")
            .field(
                "before",
                &self.before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field(
                "after",
                &self.after.iter().map(|(n, _)| n).collect::<Vec<_>>(),
            )
            .field(
                "outbox",
                &self.outbox.iter().map(|(t, _)| t).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl<M> Listeners<M> {
    /// No listeners.
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let listeners = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// assert!(listeners.is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether there are no listeners.
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// assert!(stateforge_runtime::Listeners::<AnyDoor>::new().is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.before.is_empty() && self.after.is_empty() && self.outbox.is_empty()
    }

    /// The same listeners, shared: for a task that runs them while the
    /// caller keeps its own.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn share(&self) -> Self {
        Listeners {
            before: self.before.clone(),
            after: self.after.clone(),
            outbox: self.outbox.clone(),
        }
    }

    /// Whether any after-listener is registered.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn has_after(&self) -> bool {
        !self.after.is_empty()
    }

    /// Adds a listener called before a transition; `Err(reason)` vetoes it.
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let mut l = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// l.before("audit", |_, _| Ok(()));
    /// ```
    pub fn before(
        &mut self,
        name: impl Into<String>,
        listener: impl Fn(&TransitionInfo<'_>, &M) -> Result<(), String> + Send + Sync + 'static,
    ) -> &mut Self {
        self.before.push((name.into(), Arc::new(listener)));
        self
    }

    /// Adds a listener called after a transition, with the new machine.
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let mut l = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// l.after("metrics", |t, _| { println!("{t}"); Ok(()) });
    /// ```
    pub fn after(
        &mut self,
        name: impl Into<String>,
        listener: impl Fn(&TransitionInfo<'_>, &M) -> Result<(), Box<dyn std::error::Error>>
        + Send
        + Sync
        + 'static,
    ) -> &mut Self {
        self.after.push((name.into(), Arc::new(listener)));
        self
    }

    /// Runs the after-listeners for a transition that has happened. Each
    /// runs whatever the others do; errors and panics are logged.
    ///
    /// A panic is caught, and logged as an `error` event with its message,
    /// but Rust's panic hook runs first, as for every panic: the default
    /// hook prints `thread '…' panicked at …` on stderr. Catching cannot
    /// skip the hook, and replacing it here would replace the
    /// application's own for every thread; an application that wants
    /// panics only in its logs installs its hook once
    /// (`std::panic::set_hook`), which these panics then go through too.
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let mut l = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// l.after("broken", |_, _| panic!("a bug in a listener"));
    /// let t = stateforge_runtime::TransitionInfo::new("door", None, "open", "closed", "open");
    /// l.notify(&t, &AnyDoor::from(Door::new().open())); // logged, not propagated
    /// ```
    pub fn notify(&self, info: &TransitionInfo<'_>, machine: &M) {
        for (name, listener) in &self.after {
            match catch_unwind(AssertUnwindSafe(|| listener(info, machine))) {
                Ok(Ok(())) => {}
                Ok(Err(error)) => {
                    tracing::warn!(listener = %name, transition = %info, %error, "after-listener failed");
                }
                Err(panic) => {
                    let message = panic
                        .downcast_ref::<&str>()
                        .map(|s| (*s).to_owned())
                        .or_else(|| panic.downcast_ref::<String>().cloned())
                        .unwrap_or_default();
                    tracing::error!(listener = %name, transition = %info, %message, "after-listener panicked");
                }
            }
        }
    }

    /// Runs the before-listeners in order; the first veto wins.
    pub(crate) fn veto(
        &self,
        info: &TransitionInfo<'_>,
        machine: &M,
    ) -> Result<(), (String, String)> {
        for (name, listener) in &self.before {
            if let Err(reason) = listener(info, machine) {
                tracing::info!(listener = %name, transition = %info, %reason, "transition vetoed");
                return Err((name.clone(), reason));
            }
        }
        Ok(())
    }
}

impl<M: Machine> Listeners<M> {
    /// The transition `event` would take out of `machine`'s state, if any
    /// (guards not consulted).
    fn info<'a>(
        machine: &M,
        event: &M::Event,
        entity_id: Option<&'a str>,
    ) -> Option<TransitionInfo<'a>>
    where
        M: 'a,
    {
        let def = M::definition();
        let to = machine.target(event)?;
        Some(TransitionInfo::new(
            def.name(),
            entity_id,
            def.event_name(event.id()),
            def.state_name(machine.state_id()),
            def.state_name(to),
        ))
    }

    /// Runs the before-listeners for `event` on `machine`; the first veto
    /// wins. Refusals by the machine itself are left to its `fire`.
    ///
    /// # Errors
    ///
    /// The veto, as (listener, reason).
    ///
    /// ```
    /// # stateforge::state_machine! { machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// let mut l = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// l.before("no", |_, _| Err("closed for today".into()));
    /// let veto = l.check(&AnyDoor::from(Door::new()), &DoorEvent::Open, None).unwrap_err();
    /// assert_eq!(veto, ("no".to_owned(), "closed for today".to_owned()));
    /// ```
    pub fn check(
        &self,
        machine: &M,
        event: &M::Event,
        entity_id: Option<&str>,
    ) -> Result<(), (String, String)> {
        let Some(info) = Self::info(machine, event, entity_id) else {
            return Ok(());
        };
        self.veto(&info, machine)
    }

    /// Fires `event` on `machine` with the listeners around it.
    ///
    /// # Errors
    ///
    /// A [`FireError`] handing back the machine and the event.
    ///
    /// ```
    /// # stateforge::state_machine! { #[derive(Debug)] machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
    /// use std::sync::{Arc, Mutex};
    /// let seen = Arc::new(Mutex::new(Vec::new()));
    /// let mut l = stateforge_runtime::Listeners::<AnyDoor>::new();
    /// let log = Arc::clone(&seen);
    /// l.after("log", move |t, _| { log.lock().unwrap().push(t.to_string()); Ok(()) });
    /// let door = l.fire(AnyDoor::from(Door::new()), DoorEvent::Open, Some("front")).unwrap();
    /// assert_eq!(door.state(), DoorState::Open);
    /// assert_eq!(seen.lock().unwrap()[0], "door front: closed --open--> open");
    /// ```
    pub fn fire(
        &self,
        machine: M,
        event: M::Event,
        entity_id: Option<&str>,
    ) -> Result<M, FireError<M, M::Event>> {
        if let Err((listener, reason)) = self.check(&machine, &event, entity_id) {
            return Err(FireError::Vetoed {
                machine,
                event,
                listener,
                reason,
            });
        }
        let def = M::definition();
        let (from, event_id) = (machine.state_id(), event.id());
        let next = machine.fire(event).map_err(FireError::NotAllowed)?;
        let info = TransitionInfo::new(
            def.name(),
            entity_id,
            def.event_name(event_id),
            def.state_name(from),
            next.state_name(),
        );
        self.notify(&info, &next);
        Ok(next)
    }
}

impl<C: Clone> Listeners<DynMachine<C>> {
    /// Fires the event named `event` on `machine` with the listeners
    /// around it: before-listeners (in order, the first veto wins) once the
    /// machine has an arm for the event, then the guard and the action, then
    /// after-listeners, whose errors and panics are logged and go no
    /// further.
    ///
    /// # Errors
    ///
    /// A [`DynError`] ([`DynError::Vetoed`] naming the listener); the
    /// machine, context included, is unchanged.
    ///
    /// ```
    /// use stateforge_runtime::{DynError, DynMachine, Listeners, Registry};
    /// let bound = Registry::<u32>::new().guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())?;
    /// let mut task = DynMachine::new(bound, 0);
    /// let mut listeners = Listeners::<DynMachine<u32>>::new();
    /// listeners.before("freeze", |t, _| if t.event == "start" { Err("frozen".into()) } else { Ok(()) });
    /// listeners.fire_dyn(&mut task, "assign", &serde_json::Value::Null, Some("t-1")).unwrap();
    /// let err = listeners.fire_dyn(&mut task, "start", &serde_json::Value::Null, Some("t-1")).unwrap_err();
    /// assert!(matches!(err, DynError::Vetoed { ref listener, .. } if listener == "freeze"));
    /// assert_eq!(task.state_name(), "assigned");
    /// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
    /// ```
    pub fn fire_dyn(
        &self,
        machine: &mut DynMachine<C>,
        event: &str,
        args: &Args,
        entity_id: Option<&str>,
    ) -> Result<(), DynError> {
        let Some(id) = machine.bound().event_id(event) else {
            return Err(machine.unknown_event(event));
        };
        self.fire_dyn_id(machine, id, args, entity_id)
    }

    /// [`fire_dyn`](Self::fire_dyn) with an event resolved beforehand.
    ///
    /// # Errors
    ///
    /// A [`DynError`]; the machine, context included, is unchanged.
    ///
    /// ```
    /// use stateforge_runtime::{DynMachine, Listeners, Registry};
    /// let bound = Registry::<u32>::new().guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())?;
    /// let mut task = DynMachine::new(bound, 0);
    /// let assign = task.definition().event_id("assign").unwrap();
    /// Listeners::new().fire_dyn_id(&mut task, assign, &serde_json::Value::Null, None).unwrap();
    /// assert_eq!(task.state_name(), "assigned");
    /// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
    /// ```
    pub fn fire_dyn_id(
        &self,
        machine: &mut DynMachine<C>,
        event: EventId,
        args: &Args,
        entity_id: Option<&str>,
    ) -> Result<(), DynError> {
        let from = machine.state();
        let bound = machine.bound().clone();
        let def = bound.definition();
        if let Some(to) = machine.target_id(event, args) {
            let info = TransitionInfo::new(
                def.name(),
                entity_id,
                def.event_name(event),
                def.state_name(from),
                def.state_name(to),
            )
            .with_args(args);
            if let Err((listener, reason)) = self.veto(&info, machine) {
                // The arm exists: its state and event are the definition's.
                let at = RefusedAt::known(Arc::clone(&bound.definition), from, event);
                return Err(DynError::Vetoed {
                    at,
                    listener,
                    reason,
                });
            }
        }
        // No arm: `fire_id` reports it, with the same error as without listeners.
        machine.fire_id(event, args)?;
        let info = TransitionInfo::new(
            def.name(),
            entity_id,
            def.event_name(event),
            def.state_name(from),
            def.state_name(machine.state()),
        )
        .with_args(args);
        self.notify(&info, machine);
        Ok(())
    }
}
