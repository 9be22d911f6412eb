//! The graph rules: the declaration as a `MachineSpec` with the names as
//! written, so that core's messages name the user's tokens, through core's
//! `validate`, each problem mapped back to its token.

use proc_macro2::Span;
use stateforge_core::{
    ActionKind, ArmSpec, Checks, EventSpec, MachineSpec, MigrationSpec, Problem, Site, StateKind,
    StateSpec, TimerSpec, validate,
};
use syn::spanned::Spanned;
use syn::{Ident, Path};

use super::delays::delay_ms;
use crate::ast::{EventDecl, RemovedDecl, SourceDecl, StateDecl};
use crate::ctxt::Ctxt;

/// The items of a declaration the graph rules read.
#[derive(Clone, Copy)]
pub(super) struct Declared<'a> {
    pub(super) states: &'a [StateDecl],
    pub(super) events: &'a [EventDecl],
    pub(super) removed: &'a [RemovedDecl],
}

/// Where a declared migration was written, in the spec's migration order.
pub(crate) struct MigrationTokens<'a> {
    /// The state migrated from: a `was` name, a removed state, or the
    /// state whose data changed.
    pub(crate) from: &'a Ident,
    /// The state migrated to.
    pub(crate) to: &'a Ident,
    /// The function, if any.
    pub(crate) with: Option<&'a Path>,
    /// Which form declared it.
    pub(crate) kind: MigrationKind,
}

/// The three forms a migration is declared in.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum MigrationKind {
    /// `state Running (was InProgress)`.
    Was,
    /// `state Failed (with function)`.
    DataChanged,
    /// `removed state Escalated -> Failed`.
    Removed,
}

/// The declared migrations, in the order the spec lists them: each
/// state's `was` names (or its data change), then the removed states.
pub(crate) fn migration_tokens<'a>(
    states: &'a [StateDecl],
    removed: &'a [RemovedDecl],
) -> Vec<MigrationTokens<'a>> {
    let mut out = Vec::new();
    for s in states {
        for was in &s.was {
            out.push(MigrationTokens {
                from: was,
                to: &s.name,
                with: s.with.as_ref(),
                kind: MigrationKind::Was,
            });
        }
        if s.was.is_empty()
            && let Some(with) = &s.with
        {
            out.push(MigrationTokens {
                from: &s.name,
                to: &s.name,
                with: Some(with),
                kind: MigrationKind::DataChanged,
            });
        }
    }
    for r in removed {
        out.push(MigrationTokens {
            from: &r.name,
            to: &r.target,
            with: r.with.as_ref(),
            kind: MigrationKind::Removed,
        });
    }
    out
}

/// Runs the shared graph rules of `stateforge_core` on the declaration as
/// written and maps each problem back to its token. Returns the spec it
/// validated, which lowering renames into the emitted definition.
pub(super) fn check_graph(
    cx: &mut Ctxt,
    name: &Ident,
    machine_token: &Ident,
    declared: Declared<'_>,
    checks: Checks,
) -> MachineSpec {
    let Declared {
        states,
        events,
        removed,
    } = declared;
    let migrations = migration_tokens(states, removed);
    let (spec, timer_spans) = written_spec(name, states, events, &migrations, checks);
    for problem in validate(&spec) {
        // `check_name_case` has said what is wrong with a raw identifier.
        if let Problem::InvalidName { name, .. } = &problem
            && name.starts_with("r#")
        {
            continue;
        }
        // A timer is an arm's `after`: its unknown source state is the
        // arm's, reported there already.
        if let Problem::UnknownState {
            site: Site::TimerState(_),
            ..
        } = &problem
        {
            continue;
        }
        // The nesting rules of `hierarchy.rs` say these in the macro's
        // syntax (a parent is where a state is written, a region is
        // marked `region`), at a better token.
        if matches!(
            problem,
            Problem::RegionNotCompound { .. }
                | Problem::InitialRegion { .. }
                | Problem::UnknownParent { .. }
                | Problem::ParentNotComposite { .. }
                | Problem::ParentCycle { .. }
        ) {
            continue;
        }
        // A migration to a state holding states is refused by the nesting
        // rules, at its `was` or `with`: core, which stores leaves, would
        // call the state unknown.
        if let Some(Site::MigrationFrom(i) | Site::MigrationTo(i) | Site::MigrationWith(i)) =
            problem.site()
            && migrations.get(i).is_some_and(|m| {
                states
                    .iter()
                    .any(|s| s.name == *m.to && super::hierarchy::holds_states(s))
            })
        {
            continue;
        }
        // A compound state holding a region lacks an initial child
        // because the region is misplaced, which `hierarchy.rs` says.
        if let (Problem::NoInitialChild { .. }, Some(Site::State(i))) = (&problem, problem.site())
            && states
                .iter()
                .any(|c| c.region.is_some() && c.parent.as_ref() == Some(&states[i].name))
        {
            continue;
        }
        let span = match problem.site() {
            None => machine_token.span(),
            Some(site) => match (&problem, site) {
                (
                    Problem::HistoryWithoutChildren { .. } | Problem::HistoryOnParallel { .. },
                    Site::State(i),
                ) => states[i]
                    .history
                    .as_ref()
                    .map_or_else(|| states[i].name.span(), Ident::span),
                (Problem::FinalWithChildren { .. }, Site::State(i)) => states[i]
                    .final_
                    .as_ref()
                    .map_or_else(|| states[i].name.span(), Ident::span),
                _ => site_span(site, name, declared, &migrations, &timer_spans),
            },
        };
        let message = match &problem {
            Problem::UnknownState {
                name,
                site: Site::MigrationTo(_),
            } if removed.iter().any(|r| r.name == name.as_str()) => {
                let onward = removed.iter().find(|r| r.name == name.as_str());
                let onward = onward.map_or_else(String::new, |r| r.target.to_string());
                format!(
                    "state `{name}` is removed too; send these rows where its rows go: `-> {onward}`"
                )
            }
            Problem::UnknownState { name, .. } => {
                match closest_state(name, states).filter(|known| *known != name.as_str()) {
                    Some(known) => format!("unknown state `{name}`; did you mean `{known}`?"),
                    None => macro_message(&problem),
                }
            }
            Problem::MigrationFromLiveState { .. }
            | Problem::MigrationChangesNothing { .. }
            | Problem::DuplicateMigration { .. } => {
                migration_message(&problem, &migrations).unwrap_or_else(|| macro_message(&problem))
            }
            _ => macro_message(&problem),
        };
        cx.error(span, message);
    }
    spec
}

/// A migration rule's message in the macro's syntax, by the form that
/// declared the migration.
fn migration_message(problem: &Problem, migrations: &[MigrationTokens<'_>]) -> Option<String> {
    let index = match problem.site()? {
        Site::MigrationFrom(i) | Site::MigrationTo(i) | Site::MigrationWith(i) => i,
        _ => return None,
    };
    let m = migrations.get(index)?;
    let (from, to) = (m.from, m.to);
    Some(match (problem, m.kind) {
        (Problem::MigrationFromLiveState { .. }, MigrationKind::Was) => format!(
            "`{from}` is still a state of this machine, so `{to}` cannot be its new name; \
             remove `was {from}`, or remove `state {from}` if it was renamed"
        ),
        (Problem::MigrationFromLiveState { .. }, _) => format!(
            "state `{from}` is declared removed but is still declared; remove `state {from}`, \
             or this `removed state {from}`"
        ),
        (Problem::MigrationChangesNothing { .. }, MigrationKind::Removed) => format!(
            "the rows of removed state `{from}` cannot go to `{from}` itself; send them to a state of the machine"
        ),
        (Problem::MigrationChangesNothing { .. }, _) => {
            format!("`{from}` cannot be its own former name; remove `was {from}`")
        }
        (Problem::DuplicateMigration { .. }, _) => format!(
            "the rows of `{from}` are migrated twice; a state's rows go to one place: keep one \
             `was {from}`, `removed state {from}` or `(with ...)`"
        ),
        _ => return None,
    })
}

/// The declared state `name` was probably meant to be: the same but for
/// case or underscores (`in_progress` for `InProgress`), or a typo away.
fn closest_state<'a>(name: &str, states: &'a [StateDecl]) -> Option<&'a Ident> {
    let folded = |s: &str| s.replace('_', "").to_lowercase();
    let wanted = folded(name);
    states
        .iter()
        .map(|s| &s.name)
        .find(|s| folded(&s.to_string()) == wanted)
        .or_else(|| {
            states.iter().map(|s| &s.name).find(|s| {
                let distance = crate::parse::edit_distance(name, &s.to_string());
                distance > 0 && distance <= 2 && name.len() > 3
            })
        })
}

/// The declaration as a spec, names as written, and the span of each
/// timer's `after` delay, in the spec's timer order.
fn written_spec(
    name: &Ident,
    states: &[StateDecl],
    events: &[EventDecl],
    migrations: &[MigrationTokens<'_>],
    checks: Checks,
) -> (MachineSpec, Vec<Span>) {
    let mut timer_spans = Vec::new();
    let mut spec = MachineSpec::new(name.to_string()).checks(checks);
    for s in states {
        spec = spec.state(StateSpec {
            name: s.name.to_string(),
            initial: s.initial.is_some(),
            is_final: s.final_.is_some(),
            parent: s.parent.as_ref().map(Ident::to_string),
            kind: if s.parallel.is_some() {
                StateKind::Parallel
            } else if s.has_children || s.region.is_some() {
                StateKind::Compound
            } else {
                StateKind::Atomic
            },
            history: s.history.is_some(),
            entry: s.entry.as_ref().map(path_name),
            exit: s.exit.as_ref().map(path_name),
        });
    }
    for e in events {
        let mut event = EventSpec::new(e.name.to_string());
        for arm in &e.arms {
            event = event.arm(ArmSpec {
                from: arm.sources.iter().map(SourceDecl::spec_text).collect(),
                to: arm.target.to_string(),
                guard: arm.guard.as_ref().map(path_name),
                action: arm.action.as_ref().map(path_name),
            });
            if let Some(after) = &arm.after {
                // The graph rules never read a delay; one the delay rule
                // refuses still makes a timer, whose state and event are
                // checked like any other.
                let after_ms = delay_ms(after).unwrap_or(0);
                for source in &arm.sources {
                    spec = spec.timer(TimerSpec::new(
                        source.spec_text(),
                        e.name.to_string(),
                        after_ms,
                    ));
                    timer_spans.push(after.span());
                }
            }
        }
        spec = spec.event(event);
    }
    for m in migrations {
        spec = spec.migration(MigrationSpec {
            from: m.from.to_string(),
            to: m.to.to_string(),
            with: m.with.map(path_name),
        });
    }
    (spec, timer_spans)
}

fn site_span(
    site: Site,
    name: &Ident,
    declared: Declared<'_>,
    migrations: &[MigrationTokens<'_>],
    timer_spans: &[Span],
) -> Span {
    let Declared { states, events, .. } = declared;
    let arm = |e: usize, a: usize| &events[e].arms[a];
    match site {
        Site::Machine => name.span(),
        Site::State(i) => states[i].name.span(),
        Site::Event(i) => events[i].name.span(),
        Site::ArmSource {
            event,
            arm: a,
            source,
        } => arm(event, a).sources[source].name.span(),
        Site::ArmTarget { event, arm: a } => arm(event, a).target.span(),
        Site::ArmGuard { event, arm: a } => arm(event, a).guard.span(),
        Site::ArmAction { event, arm: a } => arm(event, a).action.span(),
        Site::TimerState(i) | Site::TimerEvent(i) => {
            timer_spans.get(i).copied().unwrap_or_else(|| name.span())
        }
        Site::MigrationFrom(i) => migrations
            .get(i)
            .map_or_else(|| name.span(), |m| m.from.span()),
        Site::MigrationTo(i) => migrations
            .get(i)
            .map_or_else(|| name.span(), |m| m.to.span()),
        Site::MigrationWith(i) => migrations
            .get(i)
            .and_then(|m| m.with)
            .map_or_else(|| name.span(), Spanned::span),
        Site::StateEntry(i) => states[i].entry.span(),
        Site::StateExit(i) => states[i].exit.span(),
    }
}

/// The core message, with the fix phrased in the macro's own syntax.
fn macro_message(problem: &Problem) -> String {
    match problem {
        Problem::UnknownState { name, .. } => {
            format!("unknown state `{name}`; declare it with `state {name};` or correct the name")
        }
        Problem::NoInitialState => {
            "no initial state; mark one state `initial`, as in `initial state Pending;`".to_owned()
        }
        Problem::SeveralInitialStates { first, name, .. } => format!(
            "state `{name}` is marked `initial` but `{first}` is initial already; keep `initial` on one state"
        ),
        Problem::DuplicateEvent { name, .. } => format!(
            "event `{name}` is declared twice; list all its transitions in one declaration: `event {name}: A -> B, C -> D;`"
        ),
        Problem::FromFinalState { event, state, .. } => format!(
            "event `{event}` leaves `{state}`, which is declared `final`; remove `final` from `state {state}` or remove `{state}` from this transition"
        ),
        Problem::UnreachableState { state, .. } => format!(
            "state `{state}` is unreachable from the initial state; add a transition into it, or allow this with `#[stateforge(allow_unreachable)]` on the machine"
        ),
        Problem::NoInitialChild { state, .. } => format!(
            "state `{state}` holds states but none is `initial`; mark the one it starts in, as in `initial state Name;` inside `{state}`"
        ),
        Problem::SeveralInitialChildren {
            state, first, name, ..
        } => format!(
            "state `{name}` is marked `initial` but `{first}` is initial in `{state}` already; keep `initial` on one state inside `{state}`"
        ),
        Problem::ParallelWithoutRegions { state, .. } => format!(
            "parallel state `{state}` has no regions; write them in its braces: `parallel state {state} {{ region A {{ ... }} region B {{ ... }} }}`, or remove `parallel`"
        ),
        Problem::RegionWithoutFinal { state, .. } => format!(
            "region `{state}` has no final state, so it never completes and its parallel state is never done; mark the state where it ends `final state ...;`"
        ),
        Problem::HistoryWithoutChildren { state, .. } => format!(
            "`history` on state `{state}`, which holds no states, has nothing to remember; remove `history`, or write the states inside `{state}`"
        ),
        Problem::HistoryOnParallel { state, .. } => format!(
            "`history` on parallel state `{state}` has nothing to remember: all its regions are active at once; write `history region ...` on a region instead"
        ),
        Problem::FinalWithChildren { state, .. } => format!(
            "state `{state}` holds states, so it cannot be `final`; mark `final` the state inside it where the machine ends"
        ),
        Problem::DoneOfNonParallel { state, .. } => format!(
            "`done({state})` waits for every region of a parallel state, but `{state}` is not a `parallel state`; name a parallel state, or write `{state}` without `done`"
        ),
        Problem::RegionsShareEvent {
            event, parallel, ..
        } => format!(
            "event `{event}` is accepted by several regions of parallel state `{parallel}`, which move together, so it cannot have a guard or action in one of them; give `{event}` to one region only, or remove this guard or action"
        ),
        // A configuration of states inside states (`Work.R.Tests,Work.S.Docs`)
        // is no state one could mark `final`: its leaves can be.
        Problem::DeadEnd { state, .. } if state.contains(['.', ',']) => format!(
            "the machine can get stuck in `{state}`: no transition leaves it, and it is not final; add a transition out of one of its states, mark the states where each region ends `final state ...;`, or allow this with `#[stateforge(allow_dead_ends)]` on the machine"
        ),
        Problem::DeadEnd { state, .. } => format!(
            "state `{state}` is not final and has no way out; mark it `final state {state}`, add a transition out of it, or allow this with `#[stateforge(allow_dead_ends)]` on the machine"
        ),
        Problem::StateActionNeverRuns {
            state,
            kind: ActionKind::Exit,
            action,
            ..
        } => format!(
            "exit action `{action}` of `{state}` would never run: no transition leaves `{state}`; remove `exit {action}`"
        ),
        Problem::StateActionNeverRuns { state, action, .. } => format!(
            "entry action `{action}` of `{state}` would never run: no transition enters `{state}`, and `new` starts a machine there without running it; remove `entry {action}`, or add a transition into `{state}`"
        ),
        other => other.to_string(),
    }
}

/// A guard or action as a name: its path's identifiers joined by `::`,
/// without generic arguments (`Rules::can_retry` for `Rules::can_retry::<u8>`).
pub(crate) fn path_name(path: &Path) -> String {
    path.segments
        .iter()
        .map(|s| s.ident.to_string())
        .collect::<Vec<_>>()
        .join("::")
}
