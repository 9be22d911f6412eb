//! Entry and exit actions in a machine with compound or parallel states:
//! which declared states' actions each typed transition runs, in core's
//! order (so the typed machine runs what a `DynMachine` over its
//! definition runs), and the hidden method of each typed state that
//! calls one with the context and that state's data.

use stateforge_core::MachineSpec;
use syn::Ident;

use super::configurations::{Shape, is_within};
use crate::ast::StateDecl;
use crate::case::snake;
use crate::model::{NestedAction, NestedActionCall, Transition};

/// `spec` with each state's entry and exit action named after the state
/// itself. Core lists the actions a transition runs by name, and two
/// states may share a function; a state's own name, unique and a valid
/// path, says whose action each one is. Which states have actions does
/// not change, so neither does any rule's answer.
pub(super) fn named_by_state(spec: &MachineSpec) -> MachineSpec {
    let mut spec = spec.clone();
    for s in &mut spec.states {
        for action in [&mut s.entry, &mut s.exit].into_iter().flatten() {
            action.clone_from(&s.name);
        }
    }
    spec
}

/// The calls of the actions `named` (a transition's `exits` or `entries`
/// in a definition of [`named_by_state`]), in order.
pub(super) fn calls(states: &[StateDecl], kind: Kind, named: &[Box<str>]) -> Vec<NestedActionCall> {
    named
        .iter()
        .filter_map(|name| {
            let state = states.iter().position(|s| s.name == **name)?;
            let s = &states[state];
            let path = match kind {
                Kind::Entry => &s.entry,
                Kind::Exit => &s.exit,
            };
            Some(NestedActionCall {
                state,
                method: method(kind, &s.name),
                path: path.clone()?,
            })
        })
        .collect()
}

/// Whether an action is run entering or leaving its state.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Entry,
    Exit,
}

/// Per typed state (configuration), the hidden methods its transitions
/// call: the exit actions of those out of it, the entry actions of those
/// into it, each once.
pub(super) fn methods(
    parents: &[Option<usize>],
    shapes: &[Shape],
    transitions: &[Vec<Transition>],
) -> Vec<Vec<NestedAction>> {
    let mut out: Vec<Vec<NestedAction>> = shapes.iter().map(|_| Vec::new()).collect();
    let mut add = |at: usize, call: &NestedActionCall| {
        if out[at].iter().any(|m| m.method == call.method) {
            return;
        }
        // Every state a transition leaves or enters is active in the
        // typed state left or entered, so it has data there.
        let Some(data) = data_path(&shapes[at], parents, call.state, &mut Vec::new()) else {
            return;
        };
        out[at].push(NestedAction {
            method: call.method.clone(),
            path: call.path.clone(),
            data,
        });
    };
    for t in transitions.iter().flatten() {
        for call in &t.exits {
            add(t.source, call);
        }
        for call in &t.entries {
            add(t.target, call);
        }
    }
    out
}

/// The region fields leading, in a typed state of shape `shape` (at
/// `prefix`), to declared state `state`'s data: the outermost leaf or
/// parallel state at or inside it.
fn data_path(
    shape: &Shape,
    parents: &[Option<usize>],
    state: usize,
    prefix: &mut Vec<Ident>,
) -> Option<Vec<Ident>> {
    match shape {
        Shape::Leaf(l) => is_within(parents, *l, state).then(|| prefix.clone()),
        Shape::Product(p, _) if is_within(parents, *p, state) => Some(prefix.clone()),
        Shape::Product(_, parts) => parts.iter().find_map(|(field, part)| {
            prefix.push(field.clone());
            let found = data_path(part, parents, state, prefix);
            prefix.pop();
            found
        }),
        // The data without the memory is the struct's field `state`.
        Shape::Remembering(_, inner) => {
            prefix.push(Ident::new("state", proc_macro2::Span::call_site()));
            let found = data_path(inner, parents, state, prefix);
            prefix.pop();
            found
        }
    }
}

/// `__sf_entry_open`: stored names are distinct, so these are too.
fn method(kind: Kind, state: &Ident) -> Ident {
    let kind = match kind {
        Kind::Entry => "entry",
        Kind::Exit => "exit",
    };
    Ident::new(
        &format!("__sf_{kind}_{}", snake(&state.to_string())),
        proc_macro2::Span::call_site(),
    )
}
