//! What can be wrong with a [`MachineSpec`](crate::MachineSpec), and where.

use std::fmt;

use crate::transition::ActionKind;

pub use crate::site::{NameKind, Site};

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
    /// A state whose `parent` names no state.
    UnknownParent {
        /// The child.
        state: String,
        /// The parent as written.
        parent: String,
        /// The child's declaration.
        site: Site,
    },
    /// A state whose `parent` is a leaf: neither compound nor parallel.
    ParentNotComposite {
        /// The child.
        state: String,
        /// The parent.
        parent: String,
        /// The child's declaration.
        site: Site,
    },
    /// A state that is its own ancestor.
    ParentCycle {
        /// A state on the cycle.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// A compound state none of whose children is initial.
    NoInitialChild {
        /// The compound state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// A compound state with more than one initial child.
    SeveralInitialChildren {
        /// The compound state.
        state: String,
        /// Its first initial child.
        first: String,
        /// Another one.
        name: String,
        /// The other one's declaration.
        site: Site,
    },
    /// A region of a parallel state marked initial: every region is
    /// entered with its parallel state.
    InitialRegion {
        /// The region.
        state: String,
        /// Its parallel state.
        parallel: String,
        /// The region's declaration.
        site: Site,
    },
    /// A child of a parallel state that is not a compound state.
    RegionNotCompound {
        /// The child.
        state: String,
        /// Its parallel state.
        parallel: String,
        /// The child's declaration.
        site: Site,
    },
    /// A parallel state without regions.
    ParallelWithoutRegions {
        /// The parallel state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// A region of a parallel state without a final state: it never
    /// completes, so its parallel state is never done.
    RegionWithoutFinal {
        /// The region.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// History on a state without children.
    HistoryWithoutChildren {
        /// The state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// History on a parallel state: its regions are all active, so there
    /// is no child to remember.
    HistoryOnParallel {
        /// The parallel state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// A compound or parallel state marked final.
    FinalWithChildren {
        /// The state.
        state: String,
        /// Its declaration.
        site: Site,
    },
    /// `done(x)` where `x` is not a parallel state.
    DoneOfNonParallel {
        /// The state inside `done(..)`.
        state: String,
        /// The arm's source.
        site: Site,
    },
    /// An event accepted by two regions of one parallel state, with a
    /// guard or action in one of them: the regions move together, in one
    /// transition, which has one guard and one action at most.
    RegionsShareEvent {
        /// The event.
        event: String,
        /// The parallel state.
        parallel: String,
        /// A guard or action of one of the regions' arms.
        site: Site,
    },
    /// More configurations (sets of states active at once) than a
    /// definition holds.
    TooManyConfigurations {
        /// How many there are, or (if not `exact`) how many were counted
        /// before giving up.
        count: usize,
        /// The most allowed.
        max: usize,
        /// Whether `count` is all of them.
        exact: bool,
    },
    /// More transitions between configurations than a definition holds.
    TooManyTransitions {
        /// The most allowed.
        max: usize,
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
            Problem::NoInitialState
            | Problem::TooLarge { .. }
            | Problem::TooManyConfigurations { .. }
            | Problem::TooManyTransitions { .. } => None,
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
            | Problem::UnknownParent { site, .. }
            | Problem::ParentNotComposite { site, .. }
            | Problem::ParentCycle { site, .. }
            | Problem::NoInitialChild { site, .. }
            | Problem::SeveralInitialChildren { site, .. }
            | Problem::InitialRegion { site, .. }
            | Problem::RegionNotCompound { site, .. }
            | Problem::ParallelWithoutRegions { site, .. }
            | Problem::RegionWithoutFinal { site, .. }
            | Problem::HistoryWithoutChildren { site, .. }
            | Problem::HistoryOnParallel { site, .. }
            | Problem::FinalWithChildren { site, .. }
            | Problem::DoneOfNonParallel { site, .. }
            | Problem::RegionsShareEvent { site, .. }
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
            Problem::UnknownParent { state, parent, .. } => write!(
                f,
                "state `{state}` is a child of unknown state `{parent}`; declare `{parent}` or correct the name"
            ),
            Problem::ParentNotComposite { state, parent, .. } => write!(
                f,
                "state `{state}` is a child of `{parent}`, which is neither compound nor parallel; make `{parent}` compound or move `{state}` out"
            ),
            Problem::ParentCycle { state, .. } => write!(
                f,
                "state `{state}` is its own ancestor; break the cycle of parents"
            ),
            Problem::NoInitialChild { state, .. } => write!(
                f,
                "compound state `{state}` has no initial child; mark exactly one of its children initial"
            ),
            Problem::SeveralInitialChildren {
                state, first, name, ..
            } => write!(
                f,
                "state `{name}` is initial in `{state}` but `{first}` is initial there already; keep exactly one initial child"
            ),
            Problem::InitialRegion {
                state, parallel, ..
            } => write!(
                f,
                "region `{state}` of parallel state `{parallel}` is marked initial; every region is entered with `{parallel}`: remove the mark"
            ),
            Problem::RegionNotCompound {
                state, parallel, ..
            } => write!(
                f,
                "state `{state}` in parallel state `{parallel}` is not compound; each child of a parallel state is a region holding states"
            ),
            Problem::ParallelWithoutRegions { state, .. } => write!(
                f,
                "parallel state `{state}` has no regions; give it compound children, or make it an ordinary state"
            ),
            Problem::RegionWithoutFinal { state, .. } => write!(
                f,
                "region `{state}` has no final state, so it never completes; mark the state where it completes final"
            ),
            Problem::HistoryWithoutChildren { state, .. } => write!(
                f,
                "state `{state}` has history but no children to remember; remove the history mark"
            ),
            Problem::HistoryOnParallel { state, .. } => write!(
                f,
                "parallel state `{state}` has history, but all its regions are active at once; put history on a region instead"
            ),
            Problem::FinalWithChildren { state, .. } => write!(
                f,
                "state `{state}` has children and is final; mark final the child where it ends instead"
            ),
            Problem::DoneOfNonParallel { state, .. } => write!(
                f,
                "`done({state})`: `{state}` is not a parallel state; `done(..)` waits for every region of a parallel state to be final"
            ),
            Problem::RegionsShareEvent {
                event, parallel, ..
            } => write!(
                f,
                "event `{event}` moves several regions of parallel state `{parallel}` at once, and has a guard or action in one of them; \
                 give it to one region only, or remove the guard or action"
            ),
            Problem::TooManyTransitions { max } => write!(
                f,
                "the machine has more than {max} transitions between configurations of active states; \
                 split a parallel state's regions into machines of their own, or give it fewer events"
            ),
            Problem::TooManyConfigurations { count, max, exact } => {
                if *exact {
                    write!(f, "the machine has {count} configurations of active states")?;
                } else {
                    write!(
                        f,
                        "the machine has more than {max} configurations of active states (with what its history states remember)"
                    )?;
                }
                write!(
                    f,
                    "; a definition holds at most {max}: split a parallel state's regions into machines of their own"
                )
            }
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
