//! Where a [`Problem`](crate::Problem) sits in a spec, and what kind of
//! name an invalid one is.

use std::fmt;

/// Where in a [`MachineSpec`](crate::MachineSpec) a [`Problem`](crate::Problem) sits, by index.
///
/// The macro keeps the user's tokens in the same order and turns a `Site`
/// back into the span of the offending token; a JSON loader names the path.
///
/// ```
/// use stateforge_core::Site;
/// assert_eq!(Site::State(2).to_string(), "states[2]");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Site {
    /// The machine's name.
    Machine,
    /// The name of `states[i]`.
    State(usize),
    /// The name of `events[i]`.
    Event(usize),
    /// `events[event].arms[arm].from[source]`.
    ArmSource {
        /// Index of the event.
        event: usize,
        /// Index of the arm within the event.
        arm: usize,
        /// Index of the source within the arm.
        source: usize,
    },
    /// `events[event].arms[arm].to`.
    ArmTarget {
        /// Index of the event.
        event: usize,
        /// Index of the arm within the event.
        arm: usize,
    },
    /// `events[event].arms[arm].guard`.
    ArmGuard {
        /// Index of the event.
        event: usize,
        /// Index of the arm within the event.
        arm: usize,
    },
    /// `events[event].arms[arm].action`.
    ArmAction {
        /// Index of the event.
        event: usize,
        /// Index of the arm within the event.
        arm: usize,
    },
    /// `timers[i].state`.
    TimerState(usize),
    /// `timers[i].event`.
    TimerEvent(usize),
    /// The state a migration comes from (`migrations[i].from`).
    MigrationFrom(usize),
    /// The state a migration leads to (`migrations[i].to`).
    MigrationTo(usize),
    /// The function a migration makes data with (`migrations[i].with`).
    MigrationWith(usize),
    /// The entry action of `states[i]`.
    StateEntry(usize),
    /// The exit action of `states[i]`.
    StateExit(usize),
}

impl fmt::Display for Site {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Site::Machine => f.write_str("name"),
            Site::State(i) => write!(f, "states[{i}]"),
            Site::Event(i) => write!(f, "events[{i}]"),
            Site::ArmSource { event, arm, source } => {
                write!(f, "events[{event}].arms[{arm}].from[{source}]")
            }
            Site::ArmTarget { event, arm } => write!(f, "events[{event}].arms[{arm}].to"),
            Site::ArmGuard { event, arm } => write!(f, "events[{event}].arms[{arm}].guard"),
            Site::ArmAction { event, arm } => write!(f, "events[{event}].arms[{arm}].action"),
            Site::TimerState(i) => write!(f, "timers[{i}].state"),
            Site::TimerEvent(i) => write!(f, "timers[{i}].event"),
            Site::MigrationFrom(i) => write!(f, "migrations[{i}].from"),
            Site::MigrationTo(i) => write!(f, "migrations[{i}].to"),
            Site::MigrationWith(i) => write!(f, "migrations[{i}].with"),
            Site::StateEntry(i) => write!(f, "states[{i}].entry"),
            Site::StateExit(i) => write!(f, "states[{i}].exit"),
        }
    }
}

/// What a name in a [`Problem::InvalidName`](crate::Problem::InvalidName) names.
///
/// ```
/// assert_eq!(stateforge_core::NameKind::State.to_string(), "state");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameKind {
    /// The machine.
    Machine,
    /// A state.
    State,
    /// An event.
    Event,
    /// A guard (a path such as `can_retry` or `Task::can_retry`).
    Guard,
    /// An action (a path, like a guard).
    Action,
}

impl fmt::Display for NameKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NameKind::Machine => "machine",
            NameKind::State => "state",
            NameKind::Event => "event",
            NameKind::Guard => "guard",
            NameKind::Action => "action",
        })
    }
}
