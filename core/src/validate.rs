//! The rules every machine obeys, checked the same way for a macro
//! declaration and for a definition loaded from data.
//!
//! Each `check_*` function states its rule above it and pushes every
//! violation it finds: a person fixing a declaration wants all of them at once.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use crate::flatten::{Flat, done_of, flatten, is_hierarchical};
use crate::hierarchy_rules::{check_hierarchy, parents, related};
use crate::problem::{NameKind, Problem, Site};
use crate::spec::{MachineSpec, StateKind};
use crate::transition::ActionKind;

/// The longest name accepted for a machine, state or event.
pub const MAX_NAME_LEN: usize = 64;

/// Checks `spec` against every rule and returns all problems found, in a
/// stable order (declaration order within each rule).
///
/// ```
/// use stateforge_core::{validate, ArmSpec, EventSpec, MachineSpec, StateSpec};
///
/// let spec = MachineSpec::new("task")
///     .state(StateSpec::initial("pending"))
///     .state(StateSpec::final_state("failed"))
///     .event(EventSpec::new("fail").arm(ArmSpec::new(["pending"], "failed")))
///     .event(EventSpec::new("retry").arm(ArmSpec::new(["failed"], "pending")));
/// let problems = validate(&spec);
/// assert_eq!(problems.len(), 1);
/// assert!(problems[0].to_string().contains("leaves final state `failed`"));
/// ```
pub fn validate(spec: &MachineSpec) -> Vec<Problem> {
    check(spec).err().unwrap_or_default()
}

/// Checks `spec`; a machine with compound or parallel states is flattened
/// on the way (its graph checks are answered on the configurations), and
/// its flattening returned for [`Definition::new`](crate::Definition::new)
/// to build on.
pub(crate) fn check(spec: &MachineSpec) -> Result<Option<Flat>, Vec<Problem>> {
    let mut problems = Vec::new();
    if !check_size(spec, &mut problems) {
        // The other checks are quadratic; refuse before running them.
        return Err(problems);
    }
    check_names(spec, &mut problems);
    let states = check_unique_states(spec, &mut problems);
    check_unique_events(spec, &mut problems);
    check_one_initial(spec, &mut problems);
    check_arms(spec, &states, &mut problems);
    check_timers(spec, &states, &mut problems);
    crate::migration::check_migrations(spec, &states, &mut problems);
    if is_hierarchical(spec) {
        let tree = check_hierarchy(spec, &states, &mut problems);
        if !tree || !problems.is_empty() {
            return Err(problems);
        }
        // Reachability and dead ends are properties of configurations, and
        // so is which states some transition leaves or enters.
        let flat = flatten(spec)?;
        let arms = || flat.arms.iter();
        let left: BTreeSet<usize> = arms().flat_map(|a| a.exits.iter().copied()).collect();
        let entered: BTreeSet<usize> = arms().flat_map(|a| a.entries.iter().copied()).collect();
        report_state_actions_never_run(
            spec,
            |s| left.contains(&s),
            |s| entered.contains(&s),
            &mut problems,
        );
        return if problems.is_empty() {
            Ok(Some(flat))
        } else {
            Err(problems)
        };
    }
    // A misspelt state name in an arm must not bury itself under the
    // errors it causes. An unknown target could have meant any state, so
    // which states are reachable is unknown; an unknown source could have
    // meant any state, so which states have a way out is unknown. Each
    // check that still has an answer runs.
    let known = |name: &str| states.contains_key(name);
    let arms = || spec.events.iter().flat_map(|e| &e.arms);
    let unknown_target = arms().any(|a| !known(&a.to));
    let unknown_source = arms().any(|a| a.from.iter().any(|f| !known(f)));
    if spec.checks.unreachable && !unknown_target {
        check_reachable(spec, &states, &mut problems);
    }
    if spec.checks.dead_ends && !unknown_source {
        check_dead_ends(spec, &mut problems);
    }
    check_state_actions_run(spec, unknown_source, unknown_target, &mut problems);
    if problems.is_empty() {
        Ok(None)
    } else {
        Err(problems)
    }
}

/// Whether `name` is 1 to 64 ASCII letters, digits and `_`, not starting
/// with a digit: safe to store, to print in a diagram, and to use in code.
///
/// ```
/// assert!(stateforge_core::is_valid_name("in_progress"));
/// assert!(!stateforge_core::is_valid_name("in progress"));
/// assert!(!stateforge_core::is_valid_name("1st"));
/// ```
pub fn is_valid_name(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_alphabetic() || c == '_' => {}
        _ => return false,
    }
    name.len() <= MAX_NAME_LEN && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

// Rule: every name is a valid identifier-like name.
fn check_names(spec: &MachineSpec, problems: &mut Vec<Problem>) {
    let mut bad = |kind, name: &str, site| {
        if !is_valid_name(name) {
            problems.push(Problem::InvalidName {
                kind,
                name: name.to_owned(),
                site,
            });
        }
    };
    bad(NameKind::Machine, &spec.name, Site::Machine);
    for (i, s) in spec.states.iter().enumerate() {
        bad(NameKind::State, &s.name, Site::State(i));
    }
    for (i, e) in spec.events.iter().enumerate() {
        bad(NameKind::Event, &e.name, Site::Event(i));
    }
    for (ei, e) in spec.events.iter().enumerate() {
        for (ai, arm) in e.arms.iter().enumerate() {
            let paths = [
                (
                    NameKind::Guard,
                    &arm.guard,
                    Site::ArmGuard { event: ei, arm: ai },
                ),
                (
                    NameKind::Action,
                    &arm.action,
                    Site::ArmAction { event: ei, arm: ai },
                ),
            ];
            for (kind, path, site) in paths {
                if let Some(path) = path
                    && !is_valid_path(path)
                {
                    problems.push(Problem::InvalidName {
                        kind,
                        name: path.clone(),
                        site,
                    });
                }
            }
        }
    }
    for (i, s) in spec.states.iter().enumerate() {
        for (path, site) in [
            (&s.entry, Site::StateEntry(i)),
            (&s.exit, Site::StateExit(i)),
        ] {
            if let Some(path) = path
                && !is_valid_path(path)
            {
                problems.push(Problem::InvalidName {
                    kind: NameKind::Action,
                    name: path.clone(),
                    site,
                });
            }
        }
    }
}

/// Whether `path` is one or more valid names joined by `::` (at most 256
/// bytes): the form a guard or action name takes.
///
/// ```
/// assert!(stateforge_core::is_valid_path("Task::can_retry"));
/// assert!(!stateforge_core::is_valid_path("can_retry()"));
/// ```
pub fn is_valid_path(path: &str) -> bool {
    path.len() <= 256 && path.split("::").all(is_valid_name)
}

/// The largest machine a definition holds, so that a definition read from
/// untrusted data cannot ask for an unbounded transition table.
pub const MAX_STATES: usize = 1024;
/// See [`MAX_STATES`].
pub const MAX_EVENTS: usize = 1024;
/// See [`MAX_STATES`].
pub const MAX_ARMS: usize = 16 * 1024;

// Rule: a definition stays within MAX_STATES, MAX_EVENTS and MAX_ARMS, and
// has no more timers than arms (a timer needs an arm of its own: one per
// (state, event) pair its event leaves). Checked first: the timer checks
// look each timer's event up among the events.
fn check_size(spec: &MachineSpec, problems: &mut Vec<Problem>) -> bool {
    let arms: usize = spec
        .events
        .iter()
        .flat_map(|e| &e.arms)
        .map(|a| a.from.len().max(1))
        .sum();
    let sizes = [
        ("states", spec.states.len(), MAX_STATES),
        ("events", spec.events.len(), MAX_EVENTS),
        ("arms", arms, MAX_ARMS),
        ("timers", spec.timers.len(), MAX_ARMS),
    ];
    let mut ok = true;
    for (what, count, max) in sizes {
        if count > max {
            problems.push(Problem::TooLarge { what, count, max });
            ok = false;
        }
    }
    ok
}

// Rule: no two states share a name. Returns, for each name, the index of
// its first declaration: the one every use of the name resolves to.
fn check_unique_states<'a>(
    spec: &'a MachineSpec,
    problems: &mut Vec<Problem>,
) -> BTreeMap<&'a str, usize> {
    let mut seen = BTreeMap::new();
    for (i, s) in spec.states.iter().enumerate() {
        if seen.contains_key(s.name.as_str()) {
            problems.push(Problem::DuplicateState {
                name: s.name.clone(),
                site: Site::State(i),
            });
        } else {
            seen.insert(s.name.as_str(), i);
        }
    }
    seen
}

// Rule: no two events share a name (one declaration carries all its arms).
fn check_unique_events(spec: &MachineSpec, problems: &mut Vec<Problem>) {
    let mut seen = BTreeSet::new();
    for (i, e) in spec.events.iter().enumerate() {
        if !seen.insert(e.name.as_str()) {
            problems.push(Problem::DuplicateEvent {
                name: e.name.clone(),
                site: Site::Event(i),
            });
        }
    }
}

// Rule: exactly one top-level state is initial (a child's `initial` marks
// its parent's initial child, a rule of compound states).
fn check_one_initial(spec: &MachineSpec, problems: &mut Vec<Problem>) {
    let mut initials = spec
        .states
        .iter()
        .enumerate()
        .filter(|(_, s)| s.initial && s.parent.is_none());
    match initials.next() {
        None => problems.push(Problem::NoInitialState),
        Some((_, first)) => {
            for (i, other) in initials {
                problems.push(Problem::SeveralInitialStates {
                    first: first.name.clone(),
                    name: other.name.clone(),
                    site: Site::State(i),
                });
            }
        }
    }
}

// Rules: every arm names known states; an event has at least one arm; no
// arm leaves a final state. Several arms of one event may leave one state:
// they are alternatives, tried in declaration order, so every one but the
// last needs a guard (an unguarded one is the else, and one after it would
// never be tried), and one arm lists each source once.
fn check_arms(spec: &MachineSpec, states: &BTreeMap<&str, usize>, problems: &mut Vec<Problem>) {
    for (ei, event) in spec.events.iter().enumerate() {
        if event.arms.is_empty() {
            problems.push(Problem::EventWithoutArms {
                event: event.name.clone(),
                site: Site::Event(ei),
            });
        }
        // The sources an unguarded arm of this event has left already.
        let mut without_guard = BTreeSet::new();
        for (ai, arm) in event.arms.iter().enumerate() {
            let mut in_arm = BTreeSet::new();
            for (si, source) in arm.from.iter().enumerate() {
                let site = Site::ArmSource {
                    event: ei,
                    arm: ai,
                    source: si,
                };
                if let Some(inner) = done_of(source) {
                    match states.get(inner) {
                        None => problems.push(Problem::UnknownState {
                            name: inner.to_owned(),
                            site,
                        }),
                        Some(&index) if spec.states[index].kind != StateKind::Parallel => {
                            problems.push(Problem::DoneOfNonParallel {
                                state: inner.to_owned(),
                                site,
                            });
                        }
                        Some(_) => {}
                    }
                    if !in_arm.insert(source.as_str()) {
                        problems.push(Problem::DuplicateArm {
                            event: event.name.clone(),
                            state: source.clone(),
                            site,
                        });
                    }
                    continue;
                }
                let Some(&index) = states.get(source.as_str()) else {
                    problems.push(Problem::UnknownState {
                        name: source.clone(),
                        site,
                    });
                    continue;
                };
                if !in_arm.insert(source.as_str()) {
                    problems.push(Problem::DuplicateArm {
                        event: event.name.clone(),
                        state: source.clone(),
                        site,
                    });
                } else if without_guard.contains(source.as_str()) {
                    problems.push(Problem::AlternativeAfterElse {
                        event: event.name.clone(),
                        state: source.clone(),
                        site,
                    });
                }
                if spec.states[index].is_final {
                    problems.push(Problem::FromFinalState {
                        event: event.name.clone(),
                        state: source.clone(),
                        site,
                    });
                }
            }
            if arm.guard.is_none() {
                without_guard.extend(arm.from.iter().map(String::as_str));
            }
            if !states.contains_key(arm.to.as_str()) {
                problems.push(Problem::UnknownState {
                    name: arm.to.clone(),
                    site: Site::ArmTarget { event: ei, arm: ai },
                });
            }
        }
    }
}

// Rules: a timer names a known state and event, its event can leave that
// state, and a (state, event) pair has one timer at most.
// In a machine with compound states, the arm may leave a state holding
// the timer's state, or one inside it.
fn check_timers(spec: &MachineSpec, states: &BTreeMap<&str, usize>, problems: &mut Vec<Problem>) {
    let hierarchical = is_hierarchical(spec);
    let parents = if hierarchical {
        parents(spec, states)
    } else {
        Vec::new()
    };
    let mut seen = BTreeSet::new();
    for (ti, timer) in spec.timers.iter().enumerate() {
        let known_state = states.contains_key(timer.state.as_str());
        if !known_state {
            problems.push(Problem::UnknownState {
                name: timer.state.clone(),
                site: Site::TimerState(ti),
            });
        }
        let Some(event) = spec.events.iter().find(|e| e.name == timer.event) else {
            problems.push(Problem::UnknownEvent {
                name: timer.event.clone(),
                site: Site::TimerEvent(ti),
            });
            continue;
        };
        if !known_state {
            continue;
        }
        let fires = match states.get(timer.state.as_str()) {
            Some(&state) if hierarchical => event
                .arms
                .iter()
                .flat_map(|a| &a.from)
                .any(|source| related(&parents, states, state, source)),
            _ => event.arms.iter().any(|a| a.from.contains(&timer.state)),
        };
        if !fires {
            problems.push(Problem::TimerNeverFires {
                state: timer.state.clone(),
                event: timer.event.clone(),
                site: Site::TimerEvent(ti),
            });
        }
        if !seen.insert((timer.state.as_str(), timer.event.as_str())) {
            problems.push(Problem::DuplicateTimer {
                state: timer.state.clone(),
                event: timer.event.clone(),
                site: Site::TimerEvent(ti),
            });
        }
    }
}

// Rule: every state is reachable from the initial state (guards are
// assumed to pass: a guard decides when, not whether, an arm exists).
fn check_reachable(
    spec: &MachineSpec,
    states: &BTreeMap<&str, usize>,
    problems: &mut Vec<Problem>,
) {
    // Without exactly one initial state the question has no answer, and
    // that problem is reported already.
    let mut initials = spec.states.iter().filter(|s| s.initial);
    let (Some(initial), None) = (initials.next(), initials.next()) else {
        return;
    };
    // By index, over each state's targets gathered in one pass: a search
    // that scanned every arm for every state reached was quadratic, and
    // the macro runs this on every build.
    let index = |name: &str| states.get(name).copied();
    let Some(start) = index(&initial.name) else {
        return;
    };
    let mut targets: Vec<Vec<usize>> = vec![Vec::new(); spec.states.len()];
    let mut reached = vec![false; spec.states.len()];
    reached[start] = true;
    let mut queue = VecDeque::from([start]);
    for arm in spec.events.iter().flat_map(|e| &e.arms) {
        let Some(to) = index(&arm.to) else {
            continue;
        };
        let mut misspelt = false;
        for from in &arm.from {
            match index(from) {
                Some(from) => targets[from].push(to),
                None => misspelt = true,
            }
        }
        // An arm out of a misspelt state still says its target was meant
        // to be reached.
        if misspelt && !reached[to] {
            reached[to] = true;
            queue.push_back(to);
        }
    }
    while let Some(state) = queue.pop_front() {
        for &to in &targets[state] {
            if !reached[to] {
                reached[to] = true;
                queue.push_back(to);
            }
        }
    }
    for (i, s) in spec.states.iter().enumerate() {
        if index(&s.name) == Some(i) && !reached[i] {
            problems.push(Problem::UnreachableState {
                state: s.name.clone(),
                site: Site::State(i),
            });
        }
    }
}

// Rule: a state that is not final has at least one way out.
fn check_dead_ends(spec: &MachineSpec, problems: &mut Vec<Problem>) {
    let sources: BTreeSet<&str> = spec
        .events
        .iter()
        .flat_map(|e| &e.arms)
        .flat_map(|a| &a.from)
        .map(String::as_str)
        .collect();
    for (i, s) in spec.states.iter().enumerate() {
        if !s.is_final && !sources.contains(s.name.as_str()) {
            problems.push(Problem::DeadEnd {
                state: s.name.clone(),
                site: Site::State(i),
            });
        }
    }
}

// Rule: a state's exit action runs, so some arm leaves the state (a final
// state has none); its entry action runs, so some arm enters it (a new
// machine starts in the initial state without running it, as a restored
// one does in its state). An arm naming an unknown state could have meant
// any: the check that depends on it is skipped, as the graph checks are.
// A machine with compound states answers on its flat transitions, which
// leave and enter every state below each arm's domain (a compound state's
// exit action runs when an arm leaves it, from any of its children).
fn check_state_actions_run(
    spec: &MachineSpec,
    unknown_source: bool,
    unknown_target: bool,
    problems: &mut Vec<Problem>,
) {
    if spec
        .states
        .iter()
        .all(|s| s.entry.is_none() && s.exit.is_none())
    {
        return;
    }
    let arms = || spec.events.iter().flat_map(|e| &e.arms);
    let left: BTreeSet<&str> = arms().flat_map(|a| &a.from).map(String::as_str).collect();
    let entered: BTreeSet<&str> = arms().map(|a| a.to.as_str()).collect();
    let name = |s: usize| spec.states[s].name.as_str();
    report_state_actions_never_run(
        spec,
        |s| unknown_source || left.contains(name(s)),
        |s| unknown_target || entered.contains(name(s)),
        problems,
    );
}

/// Reports each exit action of a state `is_left` says no transition
/// leaves, and each entry action of one `is_entered` says none enters.
fn report_state_actions_never_run(
    spec: &MachineSpec,
    is_left: impl Fn(usize) -> bool,
    is_entered: impl Fn(usize) -> bool,
    problems: &mut Vec<Problem>,
) {
    for (i, s) in spec.states.iter().enumerate() {
        if let Some(action) = &s.exit
            && !is_left(i)
        {
            problems.push(Problem::StateActionNeverRuns {
                state: s.name.clone(),
                kind: ActionKind::Exit,
                action: action.clone(),
                site: Site::StateExit(i),
            });
        }
        if let Some(action) = &s.entry
            && !is_entered(i)
        {
            problems.push(Problem::StateActionNeverRuns {
                state: s.name.clone(),
                kind: ActionKind::Entry,
                action: action.clone(),
                site: Site::StateEntry(i),
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ArmSpec, EventSpec, StateSpec, TimerSpec};

    /// Timers from untrusted data are bounded like arms, before the checks
    /// that look each one up.
    #[test]
    fn too_many_timers_are_refused_before_they_are_checked() {
        let spec = MachineSpec::new("lease")
            .state(StateSpec::initial("held"))
            .state(StateSpec::final_state("gone"))
            .event(EventSpec::new("expire").arm(ArmSpec::new(["held"], "gone")));
        let mut big = spec.clone();
        big.timers = vec![TimerSpec::new("held", "expire", 1); MAX_ARMS + 1];
        let problems = validate(&big);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert_eq!(
            problems[0].to_string(),
            format!(
                "too many timers: {}; a definition holds at most {MAX_ARMS}",
                MAX_ARMS + 1
            )
        );
        let mut two = spec;
        two.timers = vec![TimerSpec::new("held", "expire", 1); 2];
        assert!(matches!(
            validate(&two).as_slice(),
            [Problem::DuplicateTimer { .. }]
        ));
    }
}
