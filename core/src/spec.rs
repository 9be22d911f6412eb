//! The unchecked description of a machine: names only, exactly as written.

use crate::migration::MigrationSpec;

/// A machine as written by a person, before any check.
///
/// A `MachineSpec` may be wrong in every way (unknown names, two initial
/// states, ...); [`Definition::new`](crate::Definition::new) checks it and
/// lists every problem. The `state_machine!` macro builds one from its input,
/// and a JSON document deserializes into one.
///
/// ```
/// use stateforge_core::{ArmSpec, EventSpec, MachineSpec, StateSpec};
///
/// let spec = MachineSpec::new("door")
///     .state(StateSpec::initial("closed"))
///     .state(StateSpec::new("open"))
///     .event(EventSpec::new("open").arm(ArmSpec::new(["closed"], "open")))
///     .event(EventSpec::new("close").arm(ArmSpec::new(["open"], "closed")));
/// assert!(stateforge_core::Definition::new(spec).is_ok());
/// ```
// Its JSON form, with the `format` field it does not hold, is written by
// hand in `definition_json`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MachineSpec {
    /// The machine's name, as stored beside each entity (`task`).
    pub name: String,
    /// Every state, in declaration order.
    pub states: Vec<StateSpec>,
    /// Every event, in declaration order.
    pub events: Vec<EventSpec>,
    /// Events fired by themselves some time after a state is entered.
    pub timers: Vec<TimerSpec>,
    /// Which graph checks run (both by default).
    pub checks: Checks,
    /// What becomes of rows of older definitions in states this one
    /// renamed, removed or reshaped (see [`MigrationSpec`]).
    pub migrations: Vec<MigrationSpec>,
}

impl MachineSpec {
    /// An empty machine called `name`.
    ///
    /// ```
    /// let spec = stateforge_core::MachineSpec::new("door");
    /// assert_eq!(spec.name, "door");
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        MachineSpec {
            name: name.into(),
            ..MachineSpec::default()
        }
    }

    /// Adds a state.
    ///
    /// ```
    /// use stateforge_core::{MachineSpec, StateSpec};
    /// let spec = MachineSpec::new("door").state(StateSpec::initial("closed"));
    /// assert_eq!(spec.states.len(), 1);
    /// ```
    #[must_use]
    pub fn state(mut self, state: StateSpec) -> Self {
        self.states.push(state);
        self
    }

    /// Adds an event.
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, EventSpec, MachineSpec};
    /// let spec = MachineSpec::new("door")
    ///     .event(EventSpec::new("open").arm(ArmSpec::new(["closed"], "open")));
    /// assert_eq!(spec.events[0].arms[0].to, "open");
    /// ```
    #[must_use]
    pub fn event(mut self, event: EventSpec) -> Self {
        self.events.push(event);
        self
    }

    /// Adds a timer.
    ///
    /// ```
    /// use stateforge_core::{MachineSpec, TimerSpec};
    /// let spec = MachineSpec::new("breaker").timer(TimerSpec::new("open", "reset", 30_000));
    /// assert_eq!(spec.timers[0].after_ms, 30_000);
    /// ```
    #[must_use]
    pub fn timer(mut self, timer: TimerSpec) -> Self {
        self.timers.push(timer);
        self
    }

    /// Declares a migration of rows written under older definitions.
    ///
    /// ```
    /// use stateforge_core::{MachineSpec, MigrationSpec};
    /// let spec = MachineSpec::new("job").migration(MigrationSpec::renamed("in_progress", "running"));
    /// assert_eq!(spec.migrations[0].to, "running");
    /// ```
    #[must_use]
    pub fn migration(mut self, migration: MigrationSpec) -> Self {
        self.migrations.push(migration);
        self
    }

    /// Sets which graph checks run.
    ///
    /// ```
    /// use stateforge_core::{Checks, MachineSpec};
    /// let spec = MachineSpec::new("door").checks(Checks { unreachable: false, dead_ends: true });
    /// assert!(!spec.checks.unreachable);
    /// ```
    #[must_use]
    pub fn checks(mut self, checks: Checks) -> Self {
        self.checks = checks;
        self
    }
}

/// One state of a [`MachineSpec`].
///
/// ```
/// let s = stateforge_core::StateSpec::final_state("completed");
/// assert!(s.is_final && !s.initial);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct StateSpec {
    /// The state's name, as stored in a row (`in_progress`).
    pub name: String,
    /// Whether a new machine starts here; exactly one state must be initial.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub initial: bool,
    /// Whether the machine's life ends here; no event may leave a final state.
    #[cfg_attr(
        feature = "serde",
        serde(default, rename = "final", skip_serializing_if = "is_false")
    )]
    pub is_final: bool,
    /// The enclosing state's name: `None` at the top level. A child's
    /// `initial` marks the initial child of its parent; a child's `final`,
    /// inside a region of a parallel state, where that region completes.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub parent: Option<String>,
    /// Whether the state is a leaf, holds children of which one is active
    /// (compound), or holds regions all active at once (parallel).
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "StateKind::is_atomic")
    )]
    pub kind: StateKind,
    /// Whether re-entering this compound state enters the child last
    /// active in it (shallow history) rather than its initial child.
    #[cfg_attr(feature = "serde", serde(default, skip_serializing_if = "is_false"))]
    pub history: bool,
    /// The action run each time a transition enters this state, by name:
    /// after the arm's action, on a self-transition too. Not run by a
    /// machine's creation in its initial state, nor by a restore.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub entry: Option<String>,
    /// The action run each time a transition leaves this state, by name:
    /// before the arm's action, on a self-transition too. A final state,
    /// never left, has none.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub exit: Option<String>,
}

/// What a [`StateSpec`] holds: nothing, one active child, or regions.
///
/// ```
/// use stateforge_core::{StateKind, StateSpec};
/// assert_eq!(StateSpec::new("open").kind, StateKind::Atomic);
/// assert_eq!(StateSpec::compound("active").kind, StateKind::Compound);
/// assert_eq!(StateSpec::parallel("building").kind, StateKind::Parallel);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
pub enum StateKind {
    /// A leaf: no children (the default, and every state of a flat machine).
    #[default]
    Atomic,
    /// Children of which exactly one is active while the state is; one
    /// child is marked `initial`.
    Compound,
    /// Regions (compound children) all active while the state is.
    Parallel,
}

impl StateKind {
    /// Whether this is [`StateKind::Atomic`].
    ///
    /// ```
    /// assert!(stateforge_core::StateKind::Atomic.is_atomic());
    /// ```
    #[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
    pub fn is_atomic(&self) -> bool {
        *self == StateKind::Atomic
    }
}

#[cfg(feature = "serde")]
#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_false(b: &bool) -> bool {
    !*b
}

impl StateSpec {
    /// An ordinary state.
    ///
    /// ```
    /// assert!(!stateforge_core::StateSpec::new("open").is_final);
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        StateSpec {
            name: name.into(),
            ..StateSpec::default()
        }
    }

    /// The initial state.
    ///
    /// ```
    /// assert!(stateforge_core::StateSpec::initial("closed").initial);
    /// ```
    pub fn initial(name: impl Into<String>) -> Self {
        StateSpec {
            initial: true,
            ..StateSpec::new(name)
        }
    }

    /// A final state.
    ///
    /// ```
    /// assert!(stateforge_core::StateSpec::final_state("done").is_final);
    /// ```
    pub fn final_state(name: impl Into<String>) -> Self {
        StateSpec {
            is_final: true,
            ..StateSpec::new(name)
        }
    }

    /// Sets the entry action: run by every transition into this state,
    /// after the arm's action.
    ///
    /// ```
    /// let s = stateforge_core::StateSpec::new("open").entry("arm_timer");
    /// assert_eq!(s.entry.as_deref(), Some("arm_timer"));
    /// ```
    #[must_use]
    pub fn entry(mut self, action: impl Into<String>) -> Self {
        self.entry = Some(action.into());
        self
    }

    /// Sets the exit action: run by every transition out of this state,
    /// before the arm's action.
    ///
    /// ```
    /// let s = stateforge_core::StateSpec::new("open").exit("disarm");
    /// assert_eq!(s.exit.as_deref(), Some("disarm"));
    /// ```
    #[must_use]
    pub fn exit(mut self, action: impl Into<String>) -> Self {
        self.exit = Some(action.into());
        self
    }

    /// A compound state: its children (states naming it as `parent`) are
    /// active one at a time, starting with the one marked `initial`.
    ///
    /// ```
    /// use stateforge_core::{StateKind, StateSpec};
    /// let active = StateSpec::compound("active");
    /// let assigned = StateSpec::initial("assigned").child_of("active");
    /// assert_eq!(active.kind, StateKind::Compound);
    /// assert_eq!(assigned.parent.as_deref(), Some("active"));
    /// ```
    pub fn compound(name: impl Into<String>) -> Self {
        StateSpec {
            kind: StateKind::Compound,
            ..StateSpec::new(name)
        }
    }

    /// A parallel state: its children are its regions, compound states
    /// all active at once.
    ///
    /// ```
    /// use stateforge_core::StateSpec;
    /// let building = StateSpec::parallel("building");
    /// let tests = StateSpec::compound("tests").child_of("building");
    /// assert_eq!(tests.parent.as_deref(), Some("building"));
    /// # let _ = building;
    /// ```
    pub fn parallel(name: impl Into<String>) -> Self {
        StateSpec {
            kind: StateKind::Parallel,
            ..StateSpec::new(name)
        }
    }

    /// This state, marked initial: the machine's initial state at the top
    /// level, its parent's initial child inside a compound state.
    ///
    /// ```
    /// assert!(stateforge_core::StateSpec::compound("active").marked_initial().initial);
    /// ```
    #[must_use]
    pub fn marked_initial(mut self) -> Self {
        self.initial = true;
        self
    }

    /// This state, as a child of `parent`.
    ///
    /// ```
    /// let s = stateforge_core::StateSpec::new("in_progress").child_of("active");
    /// assert_eq!(s.parent.as_deref(), Some("active"));
    /// ```
    #[must_use]
    pub fn child_of(mut self, parent: impl Into<String>) -> Self {
        self.parent = Some(parent.into());
        self
    }

    /// This compound state, remembering its last active child: entering it
    /// again enters that child instead of the initial one.
    ///
    /// ```
    /// assert!(stateforge_core::StateSpec::compound("active").with_history().history);
    /// ```
    #[must_use]
    pub fn with_history(mut self) -> Self {
        self.history = true;
        self
    }
}

/// One event of a [`MachineSpec`], with the arms it may take.
///
/// ```
/// use stateforge_core::{ArmSpec, EventSpec};
/// let fail = EventSpec::new("fail").arm(ArmSpec::new(["assigned", "in_progress"], "failed"));
/// assert_eq!(fail.arms[0].from.len(), 2);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct EventSpec {
    /// The event's name (`assign`).
    pub name: String,
    /// Where the event leads from which states; one source per arm at most.
    pub arms: Vec<ArmSpec>,
}

impl EventSpec {
    /// An event with no arms yet.
    ///
    /// ```
    /// assert!(stateforge_core::EventSpec::new("go").arms.is_empty());
    /// ```
    pub fn new(name: impl Into<String>) -> Self {
        EventSpec {
            name: name.into(),
            arms: Vec::new(),
        }
    }

    /// Adds an arm.
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, EventSpec};
    /// assert_eq!(EventSpec::new("go").arm(ArmSpec::new(["a"], "b")).arms.len(), 1);
    /// ```
    #[must_use]
    pub fn arm(mut self, arm: ArmSpec) -> Self {
        self.arms.push(arm);
        self
    }
}

/// `from | from -> to if guard => action`: one line of an event.
///
/// ```
/// use stateforge_core::ArmSpec;
/// let arm = ArmSpec::new(["failed"], "pending").guard("can_retry").action("on_retry");
/// assert_eq!(arm.guard.as_deref(), Some("can_retry"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct ArmSpec {
    /// The source states.
    pub from: Vec<String>,
    /// The target state.
    pub to: String,
    /// The guard that must say yes, by name.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub guard: Option<String>,
    /// The action run while the transition happens, by name.
    #[cfg_attr(
        feature = "serde",
        serde(default, skip_serializing_if = "Option::is_none")
    )]
    pub action: Option<String>,
}

impl ArmSpec {
    /// An arm from `from` to `to`, with neither guard nor action.
    ///
    /// ```
    /// let arm = stateforge_core::ArmSpec::new(["a", "b"], "c");
    /// assert_eq!(arm.from, ["a", "b"]);
    /// ```
    pub fn new<I, S>(from: I, to: impl Into<String>) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        ArmSpec {
            from: from.into_iter().map(Into::into).collect(),
            to: to.into(),
            guard: None,
            action: None,
        }
    }

    /// Sets the guard.
    ///
    /// ```
    /// let arm = stateforge_core::ArmSpec::new(["a"], "b").guard("ready");
    /// assert_eq!(arm.guard.as_deref(), Some("ready"));
    /// ```
    #[must_use]
    pub fn guard(mut self, guard: impl Into<String>) -> Self {
        self.guard = Some(guard.into());
        self
    }

    /// Sets the action.
    ///
    /// ```
    /// let arm = stateforge_core::ArmSpec::new(["a"], "b").action("notify");
    /// assert_eq!(arm.action.as_deref(), Some("notify"));
    /// ```
    #[must_use]
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.action = Some(action.into());
        self
    }
}

/// "Fire `event` `after_ms` milliseconds after entering `state`."
///
/// ```
/// let t = stateforge_core::TimerSpec::new("open", "reset", 30_000);
/// assert_eq!((t.state.as_str(), t.event.as_str()), ("open", "reset"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct TimerSpec {
    /// The state whose entry starts the timer; leaving it cancels the timer.
    pub state: String,
    /// The event fired when the timer is due.
    pub event: String,
    /// The delay after entering `state`, in milliseconds.
    pub after_ms: u64,
}

impl TimerSpec {
    /// A timer firing `event` `after_ms` milliseconds after entering `state`.
    ///
    /// ```
    /// assert_eq!(stateforge_core::TimerSpec::new("s", "e", 5).after_ms, 5);
    /// ```
    pub fn new(state: impl Into<String>, event: impl Into<String>, after_ms: u64) -> Self {
        TimerSpec {
            state: state.into(),
            event: event.into(),
            after_ms,
        }
    }
}

/// The graph checks a machine may switch off (`#[stateforge(allow_unreachable)]`).
///
/// ```
/// let c = stateforge_core::Checks::default();
/// assert!(c.unreachable && c.dead_ends);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(default, deny_unknown_fields))]
pub struct Checks {
    /// Refuse a state that no path from the initial state reaches.
    pub unreachable: bool,
    /// Refuse a state that is not final and has no way out.
    pub dead_ends: bool,
}

impl Default for Checks {
    fn default() -> Self {
        Checks {
            unreachable: true,
            dead_ends: true,
        }
    }
}
