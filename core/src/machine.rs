//! What every machine the `state_machine!` macro generates offers the
//! runtime, and the errors a refused transition hands back.

use std::any::TypeId;
use std::fmt;
use std::sync::{Mutex, PoisonError};

use crate::definition::{Definition, EventId, StateId};

/// Implemented by the any-enum the `state_machine!` macro generates
/// (`AnyTask` for a machine `Task`): one machine in whichever state it is.
///
/// The runtime (listeners, history, stores) works with any `Machine`.
///
/// ```
/// # use stateforge_core::{Definition, Event, Machine, NotAllowed, StateId, EventId};
/// # use stateforge_core::{ArmSpec, EventSpec, MachineSpec, StateSpec};
/// // A hand-written machine: a switch that is either off or on.
/// struct Switch(bool);
/// struct Toggle;
/// impl Event for Toggle {
///     fn id(&self) -> EventId { Switch::definition().event_id("toggle").unwrap() }
/// }
/// impl Machine for Switch {
///     type Context = ();
///     type Event = Toggle;
///     fn definition() -> &'static Definition {
///         static DEF: std::sync::LazyLock<Definition> = std::sync::LazyLock::new(|| {
///             let toggle = EventSpec::new("toggle")
///                 .arm(ArmSpec::new(["off"], "on"))
///                 .arm(ArmSpec::new(["on"], "off"));
///             Definition::new(MachineSpec::new("switch")
///                 .state(StateSpec::initial("off"))
///                 .state(StateSpec::new("on"))
///                 .event(toggle)).unwrap()
///         });
///         &DEF
///     }
///     fn state_id(&self) -> StateId { Self::definition().state_id(if self.0 { "on" } else { "off" }).unwrap() }
///     fn context(&self) -> &() { &() }
///     fn can_fire(&self, _: &Toggle) -> bool { true }
///     fn fire(self, _: Toggle) -> Result<Self, NotAllowed<Self, Toggle>> { Ok(Switch(!self.0)) }
/// }
/// let on = Switch(false).fire(Toggle).ok().unwrap();
/// assert_eq!(on.state_name(), "on");
/// assert_eq!(on.allowed_events(), ["toggle"]);
/// ```
pub trait Machine: Sized + 'static {
    /// The data carried through every state (`()` when none is declared).
    type Context;
    /// The event enum, with each event's arguments.
    type Event: Event;

    /// The checked description of this machine.
    fn definition() -> &'static Definition;

    /// The current state's id in [`Machine::definition`].
    fn state_id(&self) -> StateId;

    /// The context.
    fn context(&self) -> &Self::Context;

    /// Whether `event` would be accepted now: an arm leaves the current
    /// state and its guard, if any, says yes.
    fn can_fire(&self, event: &Self::Event) -> bool;

    /// Fires `event`. A refusal hands back the machine, unchanged, and the event.
    fn fire(self, event: Self::Event) -> Result<Self, NotAllowed<Self, Self::Event>>;

    /// Fires `event` on the machine where it is (a field of a struct, an
    /// element of a `Vec`), leaving it in the state reached. A refusal
    /// hands back the event in a [`NotAllowed`] whose `machine` is `()`:
    /// the machine stays where it was, unchanged.
    ///
    /// The generated any-enums implement it themselves: their guard and
    /// action run on the machine in place, by reference, before the
    /// state changes, so a guard or action that panics leaves the machine
    /// whole, in its state, with the context as the action left it. This
    /// default, for machines written by hand, runs [`Machine::fire`] on
    /// the machine moved out of its place: if `fire` panics there is no
    /// machine to put back, and the process aborts rather than leave the
    /// place without a value.
    ///
    /// ```
    /// # use stateforge_core::{Definition, Event, EventId, Machine, NotAllowed, Refusal, StateId};
    /// # struct Ev(EventId);
    /// # impl Event for Ev { fn id(&self) -> EventId { self.0 } }
    /// // A hand-written machine that only knows `assign` out of `pending`.
    /// struct Task(StateId);
    /// impl Machine for Task {
    ///     type Context = ();
    ///     type Event = Ev;
    ///     fn definition() -> &'static Definition {
    ///         static DEF: std::sync::LazyLock<Definition> = std::sync::LazyLock::new(Definition::example);
    ///         &DEF
    ///     }
    ///     fn state_id(&self) -> StateId { self.0 }
    ///     fn context(&self) -> &() { &() }
    ///     fn can_fire(&self, e: &Ev) -> bool { self.target(e).is_some() }
    ///     fn fire(self, e: Ev) -> Result<Self, NotAllowed<Self, Ev>> {
    ///         match self.target(&e) {
    ///             Some(to) => Ok(Task(to)),
    ///             None => {
    ///                 let state = self.state_name();
    ///                 Err(NotAllowed::new(self, e, state, "?", Refusal::NoTransition))
    ///             }
    ///         }
    ///     }
    /// }
    /// struct Worker { task: Task }
    ///
    /// let def = Task::definition();
    /// let mut worker = Worker { task: Task(def.initial()) };
    /// let assign = Ev(def.event_id("assign").unwrap());
    /// worker.task.fire_in_place(assign).unwrap();
    /// assert_eq!(worker.task.state_name(), "assigned");
    ///
    /// let again = Ev(def.event_id("assign").unwrap());
    /// let refused = worker.task.fire_in_place(again).unwrap_err();
    /// assert_eq!(refused.refusal, Refusal::NoTransition);
    /// assert_eq!(worker.task.state_name(), "assigned");
    /// ```
    ///
    /// # Errors
    ///
    /// A `NotAllowed` holding the event, naming the state, the event and,
    /// for a guard, the guard; the machine is unchanged.
    fn fire_in_place(&mut self, event: Self::Event) -> Result<(), NotAllowed<(), Self::Event>> {
        replace_with::replace_with_or_abort_and_return(self, |machine| match machine.fire(event) {
            Ok(next) => (Ok(()), next),
            Err(refused) => {
                let NotAllowed {
                    machine,
                    event,
                    state,
                    event_name,
                    refusal,
                } = refused;
                let refused = NotAllowed::new((), event, state, event_name, refusal);
                (Err(refused), machine)
            }
        })
    }

    /// The state `event` would lead to now, without firing it (what
    /// before-listeners are shown): `None` when no arm of the event
    /// leaves the current state. Guards are consulted only to choose
    /// among guarded alternatives; when none says yes, the first
    /// alternative's target (firing then refuses). This default, for
    /// machines written by hand, takes the first arm; the generated
    /// any-enums consult the guards of their alternatives.
    ///
    /// ```
    /// # use stateforge_core::{Definition, Event, EventId, Machine, NotAllowed, StateId};
    /// # struct Task(StateId);
    /// # struct Ev(EventId);
    /// # impl Event for Ev { fn id(&self) -> EventId { self.0 } }
    /// # impl Machine for Task {
    /// #     type Context = ();
    /// #     type Event = Ev;
    /// #     fn definition() -> &'static Definition {
    /// #         static DEF: std::sync::LazyLock<Definition> = std::sync::LazyLock::new(Definition::example);
    /// #         &DEF
    /// #     }
    /// #     fn state_id(&self) -> StateId { self.0 }
    /// #     fn context(&self) -> &() { &() }
    /// #     fn can_fire(&self, _: &Ev) -> bool { true }
    /// #     fn fire(self, _: Ev) -> Result<Self, NotAllowed<Self, Ev>> { Ok(self) }
    /// # }
    /// let def = Task::definition();
    /// let task = Task(def.initial());
    /// let assigned = task.target(&Ev(def.event_id("assign").unwrap())).unwrap();
    /// assert_eq!(def.state_name(assigned), "assigned");
    /// assert_eq!(task.target(&Ev(def.event_id("complete").unwrap())), None);
    /// ```
    fn target(&self, event: &Self::Event) -> Option<StateId> {
        Self::definition()
            .transition(self.state_id(), event.id())
            .map(|t| t.to)
    }

    /// The current state's name, as stored.
    fn state_name(&self) -> &'static str {
        Self::definition().state_name(self.state_id())
    }

    /// Whether the current state is final.
    fn is_final(&self) -> bool {
        Self::definition().is_final(self.state_id())
    }

    /// The names of the events with an arm out of the current state, in
    /// declaration order (guards are not consulted: they need the event's
    /// arguments; [`Machine::can_fire`] consults them): the names of
    /// `definition().events_from(state_id())`.
    ///
    /// The generated any-enums return a literal per state, the same as
    /// their inherent `allowed_events`. This default, for machines written
    /// by hand, builds every state's list once per machine type and keeps
    /// it for the rest of the program.
    fn allowed_events(&self) -> &'static [&'static str] {
        let lists = event_names_by_state::<Self>();
        lists[self.state_id().index()]
    }

    /// The new data of a row of an older definition in state `from`, whose
    /// migration (declared in [`Machine::definition`]) names a function
    /// making it: `stored` is the row's data as stored (for a generated
    /// machine `{"context": ..., "data": ...}`), the result what is stored
    /// instead. `None` when this machine has no function for `from`: the
    /// store then refuses the row. The `state_machine!` macro writes it for
    /// every `with` its declaration names; this default, for machines
    /// written by hand, has none.
    ///
    /// ```
    /// # use stateforge_core::{Definition, Event, EventId, Machine, NotAllowed, StateId};
    /// # struct Task(StateId);
    /// # struct Ev(EventId);
    /// # impl Event for Ev { fn id(&self) -> EventId { self.0 } }
    /// # impl Machine for Task {
    /// #     type Context = ();
    /// #     type Event = Ev;
    /// #     fn definition() -> &'static Definition {
    /// #         static DEF: std::sync::LazyLock<Definition> = std::sync::LazyLock::new(Definition::example);
    /// #         &DEF
    /// #     }
    /// #     fn state_id(&self) -> StateId { self.0 }
    /// #     fn context(&self) -> &() { &() }
    /// #     fn can_fire(&self, _: &Ev) -> bool { true }
    /// #     fn fire(self, _: Ev) -> Result<Self, NotAllowed<Self, Ev>> { Ok(self) }
    /// # }
    /// let stored = serde_json::json!({"context": null, "data": null});
    /// assert!(Task::migrate_data("pending", stored).is_none());
    /// ```
    #[cfg(feature = "serde")]
    fn migrate_data(
        from: &str,
        stored: serde_json::Value,
    ) -> Option<Result<serde_json::Value, serde_json::Error>> {
        let _ = (from, stored);
        None
    }
}

/// The names of the events out of each state of `M`, by state index.
///
/// A slice of `&'static str` must live somewhere: for a hand-written
/// machine it is leaked, once per type (a bounded amount: the types of a
/// program are fixed), under a lock taken only by such machines.
fn event_names_by_state<M: Machine>() -> &'static [&'static [&'static str]] {
    type Lists = &'static [&'static [&'static str]];
    static BY_TYPE: Mutex<Vec<(TypeId, Lists)>> = Mutex::new(Vec::new());
    let mut by_type = BY_TYPE.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((_, lists)) = by_type.iter().find(|(id, _)| *id == TypeId::of::<M>()) {
        return lists;
    }
    let def = M::definition();
    let lists: Vec<&'static [&'static str]> = def
        .states()
        .map(|state| {
            let names: Vec<&'static str> =
                def.events_from(state).map(|e| def.event_name(e)).collect();
            &*Box::leak(names.into_boxed_slice())
        })
        .collect();
    let lists: Lists = Box::leak(lists.into_boxed_slice());
    by_type.push((TypeId::of::<M>(), lists));
    lists
}

/// Moves the value out of `place`, through `step`, and back: the change
/// of variant of a generated `fire_in_place`. Its callers run guards and
/// actions before, on the value in place, and a `step` that only moves
/// fields, so nothing in it can panic; if something did, the process
/// aborts rather than leave `place` without a value.
#[doc(hidden)]
#[inline(always)]
pub fn __move_through<T>(place: &mut T, step: impl FnOnce(T) -> T) {
    replace_with::replace_with_or_abort(place, step);
}

/// Implemented by a machine's event enum (`TaskEvent`).
///
/// ```
/// # use stateforge_core::{Event, EventId};
/// struct Go;
/// impl Event for Go {
///     fn id(&self) -> EventId { stateforge_core::Definition::example().event_id("assign").unwrap() }
/// }
/// assert_eq!(Go.id().index(), 0);
/// ```
pub trait Event {
    /// The event's id in its machine's definition.
    fn id(&self) -> EventId;
}

/// Why a transition was refused.
///
/// ```
/// let r = stateforge_core::Refusal::NoTransition;
/// assert_eq!(r, stateforge_core::Refusal::NoTransition);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Refusal {
    /// No arm of the event leaves the current state.
    NoTransition,
    /// The arm's guard said no.
    Guard(&'static str),
    /// The event has guarded alternatives out of the state and no else:
    /// every guard said no, each named here in the order tried.
    Guards(&'static [&'static str]),
}

/// A refused event: the machine and the event, handed back unchanged.
///
/// ```
/// # use stateforge_core::{NotAllowed, Refusal};
/// let err = NotAllowed::new("machine", "go", "pending", "finish", Refusal::NoTransition);
/// assert_eq!(err.to_string(), "event `finish` is not allowed in state `pending`");
/// let (machine, event) = err.into_parts();
/// assert_eq!((machine, event), ("machine", "go"));
/// ```
pub struct NotAllowed<M, E> {
    /// The machine, exactly as it was.
    pub machine: M,
    /// The event, with its arguments.
    pub event: E,
    /// The state the machine is in.
    pub state: &'static str,
    /// The event's name.
    pub event_name: &'static str,
    /// Why.
    pub refusal: Refusal,
}

impl<M, E> NotAllowed<M, E> {
    /// Builds the error (used by generated code).
    ///
    /// ```
    /// # use stateforge_core::{NotAllowed, Refusal};
    /// let err = NotAllowed::new((), (), "failed", "retry", Refusal::Guard("can_retry"));
    /// assert_eq!(err.refusal, Refusal::Guard("can_retry"));
    /// ```
    pub fn new(
        machine: M,
        event: E,
        state: &'static str,
        event_name: &'static str,
        refusal: Refusal,
    ) -> Self {
        NotAllowed {
            machine,
            event,
            state,
            event_name,
            refusal,
        }
    }

    /// The machine and the event, handed back.
    ///
    /// ```
    /// # use stateforge_core::{NotAllowed, Refusal};
    /// let err = NotAllowed::new(1, 2, "s", "e", Refusal::NoTransition);
    /// assert_eq!(err.into_parts(), (1, 2));
    /// ```
    pub fn into_parts(self) -> (M, E) {
        (self.machine, self.event)
    }
}

impl<M, E> fmt::Display for NotAllowed<M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.refusal {
            Refusal::NoTransition => write!(
                f,
                "event `{}` is not allowed in state `{}`",
                self.event_name, self.state
            ),
            Refusal::Guard(guard) => write!(
                f,
                "guard `{guard}` refused event `{}` in state `{}`",
                self.event_name, self.state
            ),
            Refusal::Guards(guards) => write!(
                f,
                "guards {} refused event `{}` in state `{}`",
                guard_list(guards),
                self.event_name,
                self.state
            ),
        }
    }
}

/// `` `a`, `b` ``: guard names as a refusal lists them.
fn guard_list(guards: &[&str]) -> String {
    guards
        .iter()
        .map(|g| format!("`{g}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

impl<M, E> fmt::Debug for NotAllowed<M, E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NotAllowed")
            .field("state", &self.state)
            .field("event", &self.event_name)
            .field("refusal", &self.refusal)
            .finish_non_exhaustive()
    }
}

impl<M, E> std::error::Error for NotAllowed<M, E> {}

/// A typed transition whose guard said no: the machine and the arguments,
/// handed back unchanged.
///
/// ```
/// # use stateforge_core::Rejected;
/// let r = Rejected::new("machine", (), "failed", "retry", "can_retry");
/// assert_eq!(r.to_string(), "guard `can_retry` refused event `retry` in state `failed`");
/// assert_eq!(r.into_machine(), "machine");
/// ```
pub struct Rejected<M, A = ()> {
    /// The machine, exactly as it was.
    pub machine: M,
    /// The event's arguments, as a tuple (`()` for none).
    pub args: A,
    /// The state the machine is in.
    pub state: &'static str,
    /// The event's name.
    pub event_name: &'static str,
    /// The guard that said no (the last one tried, for alternatives).
    pub guard: &'static str,
    /// For an event with guarded alternatives and no else out of the
    /// state: every guard tried, in order, each of which said no (the
    /// last is [`Rejected::guard`]). Empty for a single guard.
    pub tried: &'static [&'static str],
}

impl<M, A> Rejected<M, A> {
    /// Builds the error (used by generated code).
    ///
    /// ```
    /// # use stateforge_core::Rejected;
    /// let r = Rejected::new(0u8, ("why",), "s", "e", "g");
    /// assert_eq!(r.args.0, "why");
    /// ```
    pub fn new(
        machine: M,
        args: A,
        state: &'static str,
        event_name: &'static str,
        guard: &'static str,
    ) -> Self {
        Rejected {
            machine,
            args,
            state,
            event_name,
            guard,
            tried: &[],
        }
    }

    /// The refusal of guarded alternatives: every guard in `tried` said
    /// no, in that order (used by generated code).
    ///
    /// ```
    /// # use stateforge_core::Rejected;
    /// let r = Rejected::new(0u8, (), "closed", "failure", "").with_tried(&["over_threshold", "flaky"]);
    /// assert_eq!(r.guard, "flaky");
    /// assert_eq!(
    ///     r.to_string(),
    ///     "guards `over_threshold`, `flaky` refused event `failure` in state `closed`"
    /// );
    /// ```
    #[must_use]
    pub fn with_tried(mut self, tried: &'static [&'static str]) -> Self {
        if let Some(last) = tried.last() {
            self.guard = last;
        }
        self.tried = tried;
        self
    }

    /// The machine, handed back.
    ///
    /// ```
    /// # use stateforge_core::Rejected;
    /// assert_eq!(Rejected::new(7, (), "s", "e", "g").into_machine(), 7);
    /// ```
    pub fn into_machine(self) -> M {
        self.machine
    }
}

impl<M, A> fmt::Display for Rejected<M, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.tried.len() > 1 {
            return write!(
                f,
                "guards {} refused event `{}` in state `{}`",
                guard_list(self.tried),
                self.event_name,
                self.state
            );
        }
        write!(
            f,
            "guard `{}` refused event `{}` in state `{}`",
            self.guard, self.event_name, self.state
        )
    }
}

impl<M, A> fmt::Debug for Rejected<M, A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Rejected")
            .field("state", &self.state)
            .field("event", &self.event_name)
            .field("guard", &self.guard)
            .field("tried", &self.tried)
            .finish_non_exhaustive()
    }
}

impl<M, A> std::error::Error for Rejected<M, A> {}

/// A typed conversion asked of a machine in another state: the machine is
/// handed back.
///
/// ```
/// let e = stateforge_core::WrongState::new((), "task", "assigned", "pending");
/// assert_eq!(e.to_string(), "task is in state `pending`, not `assigned`");
/// ```
pub struct WrongState<M> {
    /// The machine, unchanged.
    pub machine: M,
    /// The machine's name.
    pub machine_name: &'static str,
    /// The state that was asked for.
    pub expected: &'static str,
    /// The state it is in.
    pub found: &'static str,
}

impl<M> WrongState<M> {
    /// Builds the error (used by generated code).
    ///
    /// ```
    /// let e = stateforge_core::WrongState::new(5, "task", "a", "b");
    /// assert_eq!(e.machine, 5);
    /// ```
    pub fn new(
        machine: M,
        machine_name: &'static str,
        expected: &'static str,
        found: &'static str,
    ) -> Self {
        WrongState {
            machine,
            machine_name,
            expected,
            found,
        }
    }
}

impl<M> fmt::Display for WrongState<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is in state `{}`, not `{}`",
            self.machine_name, self.found, self.expected
        )
    }
}

impl<M> fmt::Debug for WrongState<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WrongState")
            .field("machine", &self.machine_name)
            .field("expected", &self.expected)
            .field("found", &self.found)
            .finish_non_exhaustive()
    }
}

impl<M> std::error::Error for WrongState<M> {}

/// A state name that the machine does not declare.
///
/// ```
/// let e = stateforge_core::ParseStateError { machine: "task", name: "shut".into() };
/// assert_eq!(e.to_string(), "task has no state `shut`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{machine} has no state `{name}`")]
pub struct ParseStateError {
    /// The machine's name.
    pub machine: &'static str,
    /// The name that was given.
    pub name: String,
}
