//! What can be wrong with a [`MachineSpec`](crate::MachineSpec), and where.

use std::fmt;

use crate::transition::ActionKind;

/// Where in a [`MachineSpec`](crate::MachineSpec) a [`Problem`] sits, by index.
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

/// What a name in a [`Problem::InvalidName`] names.
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

/// One thing wrong with a machine. Every check reports all it finds.
///
/// The `Display` form is one lowercase sentence naming the thing in
/// backticks and saying how to fix it.
///
/// ```
/// use stateforge_core::{Definition, MachineSpec, Problem, StateSpec};
///
/// let err = Definition::new(MachineSpec::new("m").state(StateSpec::new("a"))).unwrap_err();
/// assert!(err.problems().contains(&Problem::NoInitialState));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Problem {
    /// A name that is empty, too long, or not made of letters, digits and `_`.
    InvalidName {
        /// What the name names.
        kind: NameKind,
        /// The name as written.
        name: String,
        /// Where it is.
        site: Site,
    },
    /// Two states with one name.
    DuplicateState {
        /// The name.
        name: String,
        /// The second declaration.
        site: Site,
    },
    /// Two events with one name.
    DuplicateEvent {
        /// The name.
        name: String,
        /// The second declaration.
        site: Site,
    },
    /// No state is initial.
    NoInitialState,
    /// More than one state is initial.
    SeveralInitialStates {
        /// The first initial state.
        first: String,
        /// Another one.
        name: String,
        /// Where the other one is declared.
        site: Site,
    },
    /// A name that no state declares.
    UnknownState {
        /// The name as written.
        name: String,
        /// Where it is used.
        site: Site,
    },
    /// A name that no event declares (in a timer).
    UnknownEvent {
        /// The name as written.
        name: String,
        /// Where it is used.
        site: Site,
    },
    /// An event with no arm at all.
    EventWithoutArms {
        /// The event.
        event: String,
        /// Where it is declared.
        site: Site,
    },
    /// One arm lists the same source state twice.
    DuplicateArm {
        /// The event.
        event: String,
        /// The state it leaves twice.
        state: String,
        /// The second mention of the source.
        site: Site,
    },
    /// An arm of an event leaves a state that an earlier arm of the same
    /// event leaves without a guard: that earlier arm is the else of the
    /// alternatives, so this one would never be tried.
    AlternativeAfterElse {
        /// The event.
        event: String,
        /// The state both arms leave.
        state: String,
        /// The later arm's source.
        site: Site,
    },
    /// An arm leaves a final state.
    FromFinalState {
        /// The event.
        event: String,
        /// The final state.
        state: String,
        /// The arm's source.
        site: Site,
    },
    /// No path from the initial state reaches this state.
    UnreachableState {
        /// The state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// A state that is not final and that no event leaves.
    DeadEnd {
        /// The state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// A timer on a state that its event cannot leave.
    TimerNeverFires {
        /// The timer's state.
        state: String,
        /// The timer's event.
        event: String,
        /// The timer's event name.
        site: Site,
    },
    /// More states, events, arms or timers than a definition may hold.
    TooLarge {
        /// What there is too much of (`states`, `events`, `arms`, `timers`).
        what: &'static str,
        /// How many there are.
        count: usize,
        /// The most allowed.
        max: usize,
    },
    /// A migration from a state that is still a state of the machine,
    /// to another: rows in it would be moved away from a state they may
    /// stay in (a rename to a name that exists, or a removal of a state
    /// that is still declared).
    MigrationFromLiveState {
        /// The state migrated from.
        state: String,
        /// The state migrated to.
        to: String,
        /// Where.
        site: Site,
    },
    /// A migration of a state to itself without a function making its
    /// new data: it would change nothing.
    MigrationChangesNothing {
        /// The state.
        state: String,
        /// Where.
        site: Site,
    },
    /// Two migrations from one state.
    DuplicateMigration {
        /// The state.
        state: String,
        /// Where the second is.
        site: Site,
    },
    /// Two timers for one (state, event) pair.
    DuplicateTimer {
        /// The timer's state.
        state: String,
        /// The timer's event.
        event: String,
        /// The second timer.
        site: Site,
    },
    /// A state's entry or exit action that no transition runs: the exit
    /// action of a state no arm leaves (a final state), or the entry
    /// action of a state no arm enters (an initial state, which a new
    /// machine starts in without running it).
    StateActionNeverRuns {
        /// The state.
        state: String,
        /// [`ActionKind::Entry`] or [`ActionKind::Exit`].
        kind: ActionKind,
        /// The action.
        action: String,
        /// The action's name.
        site: Site,
    },
}

impl Problem {
    /// Where the problem is, or `None` for a problem of the whole machine.
    ///
    /// ```
    /// assert_eq!(stateforge_core::Problem::NoInitialState.site(), None);
    /// ```
    pub fn site(&self) -> Option<Site> {
        match self {
            Problem::NoInitialState | Problem::TooLarge { .. } => None,
            Problem::InvalidName { site, .. }
            | Problem::DuplicateState { site, .. }
            | Problem::DuplicateEvent { site, .. }
            | Problem::SeveralInitialStates { site, .. }
            | Problem::UnknownState { site, .. }
            | Problem::UnknownEvent { site, .. }
            | Problem::EventWithoutArms { site, .. }
            | Problem::DuplicateArm { site, .. }
            | Problem::AlternativeAfterElse { site, .. }
            | Problem::FromFinalState { site, .. }
            | Problem::UnreachableState { site, .. }
            | Problem::DeadEnd { site, .. }
            | Problem::TimerNeverFires { site, .. }
            | Problem::DuplicateTimer { site, .. }
            | Problem::MigrationFromLiveState { site, .. }
            | Problem::MigrationChangesNothing { site, .. }
            | Problem::DuplicateMigration { site, .. }
            | Problem::StateActionNeverRuns { site, .. } => Some(*site),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::InvalidName { kind, name, .. } => match kind {
                NameKind::Guard | NameKind::Action => write!(
                    f,
                    "invalid {kind} name `{name}`; use a path of names joined by `::` such as `can_retry` or `Task::can_retry`"
                ),
                _ => write!(
                    f,
                    "invalid {kind} name `{name}`; use 1 to 64 ASCII letters, digits and `_`, not starting with a digit"
                ),
            },
            Problem::TooLarge { what, count, max } => write!(
                f,
                "too many {what}: {count}; a definition holds at most {max}"
            ),
            Problem::DuplicateState { name, .. } => {
                write!(f, "state `{name}` is declared twice; remove or rename one")
            }
            Problem::DuplicateEvent { name, .. } => write!(
                f,
                "event `{name}` is declared twice; give all its arms in one declaration"
            ),
            Problem::NoInitialState => {
                f.write_str("no initial state; mark exactly one state as initial")
            }
            Problem::SeveralInitialStates { first, name, .. } => write!(
                f,
                "state `{name}` is initial but `{first}` is initial already; keep exactly one initial state"
            ),
            Problem::UnknownState { name, .. } => {
                write!(f, "unknown state `{name}`; declare it or correct the name")
            }
            Problem::UnknownEvent { name, .. } => {
                write!(f, "unknown event `{name}`; declare it or correct the name")
            }
            Problem::EventWithoutArms { event, .. } => {
                write!(
                    f,
                    "event `{event}` has no transitions; give it at least one"
                )
            }
            Problem::DuplicateArm { event, state, .. } => write!(
                f,
                "event `{event}` lists state `{state}` twice in one transition; list it once"
            ),
            Problem::AlternativeAfterElse { event, state, .. } => write!(
                f,
                "event `{event}` already leaves state `{state}` by a transition without a guard, so this one would never be tried; give the earlier one a guard, or put the unguarded one last"
            ),
            Problem::FromFinalState { event, state, .. } => write!(
                f,
                "event `{event}` leaves final state `{state}`; a final state has no way out: make `{state}` non-final or remove it from this transition"
            ),
            Problem::UnreachableState { state, .. } => write!(
                f,
                "state `{state}` is unreachable from the initial state; add a transition into it, or allow unreachable states for this machine"
            ),
            Problem::DeadEnd { state, .. } => write!(
                f,
                "state `{state}` is not final and has no way out; mark it final, add a transition out of it, or allow dead ends for this machine"
            ),
            Problem::TimerNeverFires { state, event, .. } => write!(
                f,
                "timer in state `{state}` fires event `{event}`, which has no transition out of `{state}`; add one or change the timer"
            ),
            Problem::DuplicateTimer { state, event, .. } => write!(
                f,
                "two timers fire event `{event}` in state `{state}`; keep one"
            ),
            Problem::MigrationFromLiveState { state, to, .. } => write!(
                f,
                "rows of `{state}` cannot migrate to `{to}`: `{state}` is still a state of the machine; \
                 migrate from a state that was renamed or removed"
            ),
            Problem::MigrationChangesNothing { state, .. } => write!(
                f,
                "a migration of `{state}` to itself changes nothing; name the function that makes its new data"
            ),
            Problem::DuplicateMigration { state, .. } => write!(
                f,
                "rows of `{state}` are migrated twice; keep one migration from each state"
            ),
            Problem::StateActionNeverRuns {
                state,
                kind: ActionKind::Exit,
                action,
                ..
            } => write!(
                f,
                "exit action `{action}` of state `{state}` would never run: no transition leaves `{state}`; remove it"
            ),
            Problem::StateActionNeverRuns { state, action, .. } => write!(
                f,
                "entry action `{action}` of state `{state}` would never run: no transition enters `{state}`, \
                 and a new machine starts there without running it; remove it, or add a transition into `{state}`"
            ),
        }
    }
}
