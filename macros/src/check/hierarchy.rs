//! States written inside states: the tree as parsed, flattened into the
//! machine's list of states (each naming its parent), and the rules on
//! nesting that only the macro's syntax can break. The rules on the
//! hierarchy as a model (one initial child, regions that complete, history
//! where it means something, `done(...)` of a parallel state) are core's,
//! run with the graph rules.

use crate::ast::{EventDecl, StateDecl};
use crate::ctxt::Ctxt;

/// The states of the tree `states`, in declaration order (a state before
/// the states inside it), each naming the state it is written in.
pub(super) fn flatten(states: Vec<StateDecl>) -> Vec<StateDecl> {
    let mut out = Vec::with_capacity(states.len());
    for state in states {
        push_with_children(&mut out, state);
    }
    out
}

fn push_with_children(out: &mut Vec<StateDecl>, mut state: StateDecl) {
    let children = std::mem::take(&mut state.children);
    let parent = state.name.clone();
    out.push(state);
    for mut child in children {
        child.parent = Some(parent.clone());
        push_with_children(out, child);
    }
}

/// Whether `state` holds states (a compound or parallel state, or a
/// region): such a state is never the machine's current state alone, so
/// it has no data of its own.
pub(super) fn holds_states(state: &StateDecl) -> bool {
    state.has_children || state.parallel.is_some() || state.region.is_some()
}

// Rules: a state holding states has no fields and no past of its own (its
// data and its rows are its leaves'), and no state takes the name of its
// generated `In...` trait; a region is written in a parallel state, and a
// parallel state holds regions.
pub(super) fn check_nesting(cx: &mut Ctxt, states: &[StateDecl]) {
    let parent_of = |s: &StateDecl| {
        s.parent
            .as_ref()
            .and_then(|p| states.iter().find(|candidate| candidate.name == *p))
    };
    for s in states {
        let name = &s.name;
        if holds_states(s) {
            let what = what_it_holds(s);
            let marker = format!("In{name}");
            if let Some(clash) = states.iter().find(|c| c.name == marker.as_str()) {
                cx.error(
                    clash.name.span(),
                    format!(
                        "state `{marker}` collides with the trait `{marker}` generated for the \
                         states inside `{name}`; rename one of them"
                    ),
                );
            }
            for field in &s.fields {
                cx.error(
                    field.name.span(),
                    format!(
                        "{what} `{name}` holds states, so it has no fields of its own; \
                         move `{}` into the states inside it that carry it",
                        field.name
                    ),
                );
            }
            for was in &s.was {
                cx.error(
                    was.span(),
                    format!(
                        "{what} `{name}` is never stored itself, so it has no former name; \
                         write `was` on the states inside it"
                    ),
                );
            }
            if let (Some(with), true) = (&s.with, s.was.is_empty()) {
                cx.error(
                    syn::spanned::Spanned::span(with),
                    format!(
                        "{what} `{name}` has no data of its own to migrate; \
                         write `with` on the states inside it"
                    ),
                );
            }
        }
        let parent = parent_of(s);
        let in_parallel = parent.is_some_and(|p| p.parallel.is_some());
        if let Some(keyword) = &s.region
            && !in_parallel
        {
            let fix = match parent {
                Some(p) => format!(
                    "mark `{}` `parallel state`, or write `state {name} {{ ... }}`",
                    p.name
                ),
                None => {
                    format!("write it inside a `parallel state`, or write `state {name} {{ ... }}`")
                }
            };
            cx.error(
                keyword.span(),
                format!("region `{name}` is not inside a `parallel state`; {fix}"),
            );
        }
        if s.region.is_none()
            && let Some(p) = parent.filter(|p| p.parallel.is_some())
        {
            cx.error(
                name.span(),
                format!(
                    "state `{name}` is written directly in parallel state `{}`, which holds \
                     regions; put it in a region: `region Main {{ initial state {name}; ... }}`",
                    p.name
                ),
            );
        }
    }
}

/// How a state that holds states is called in messages.
fn what_it_holds(state: &StateDecl) -> &'static str {
    if state.parallel.is_some() {
        "parallel state"
    } else if state.region.is_some() {
        "region"
    } else {
        "state"
    }
}

/// Whether the declaration has states inside states (or marks one
/// `history` or `parallel`, or waits on `done(...)`): its typed states are
/// then core's configurations, not the states as declared.
pub(super) fn is_hierarchical(states: &[StateDecl], events: &[EventDecl]) -> bool {
    states
        .iter()
        .any(|s| s.parent.is_some() || holds_states(s) || s.history.is_some())
        || events
            .iter()
            .flat_map(|e| &e.arms)
            .flat_map(|a| &a.sources)
            .any(|s| s.done.is_some())
}
