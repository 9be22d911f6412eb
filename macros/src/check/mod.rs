//! Turns a parsed declaration into a checked [`Model`], or into every error
//! it has, each spanned at the offending token.
//!
//! The rules a machine obeys as a graph (unknown and duplicate names, one
//! initial state, nothing out of a final state, reachability, dead ends)
//! live in `stateforge_core::validate` and run here on the declaration as
//! written (`graph.rs`); the other files of this module, and the stored-name
//! rules of `case.rs`, add only the rules of Rust code generation. Every
//! rule runs, so the user sees every mistake at once; only a declaration
//! that passed them all is lowered (`lower.rs`).

mod configurations;
mod delays;
mod fields;
mod graph;
mod hierarchy;
mod names;
mod nested_actions;
mod options;

use syn::Type;

pub(crate) use configurations::{Configuration, Flattened, Remembering};
pub(crate) use graph::{migration_tokens, path_name};

use crate::ast::{EventDecl, Input, Item, MachineDecl, RemovedDecl, StateDecl};
use crate::case::check_stored_names;
use crate::ctxt::Ctxt;
use crate::lower::{Checked, lower};
use crate::model::Model;

/// Checks `input` and lowers it; on failure returns all errors, combined.
pub(crate) fn check(input: Input) -> syn::Result<Model> {
    let Input { krate, machine } = input;
    let mut cx = Ctxt::default();
    let MachineDecl {
        attrs,
        vis,
        machine_token,
        name,
        items,
    } = machine;

    let (docs, attrs, checks) = options::split_machine_attrs(&mut cx, attrs);
    let (context, states, events, removed) = split_items(&mut cx, items);

    // Errors at one token keep the order of these rules (`Ctxt::finish`).
    options::check_misplaced_options(&mut cx, &states, &events);
    hierarchy::check_nesting(&mut cx, &states);
    names::check_name_case(&mut cx, &name, &states, &events);
    names::check_fields_unique(&mut cx, &states, &events);
    let spec = graph::check_graph(
        &mut cx,
        &name,
        &machine_token,
        graph::Declared {
            states: &states,
            events: &events,
            removed: &removed,
        },
        checks,
    );
    delays::check_delays(&mut cx, &events);
    check_stored_names(&mut cx, &name, &states, &removed);
    let (transitions, leaves) = if hierarchy::is_hierarchical(&states, &events) {
        match configurations::flatten(&mut cx, &spec, &states, &events) {
            Some(mut flat) => (std::mem::take(&mut flat.transitions), Some(flat)),
            None => (Vec::new(), None),
        }
    } else {
        (fields::resolve_transitions(&mut cx, &states, &events), None)
    };
    cx.finish()?;

    lower(Checked {
        krate,
        vis,
        machine_token,
        name,
        docs,
        attrs,
        context,
        states,
        events,
        removed,
        transitions,
        flattened: leaves,
        spec,
    })
}

/// The machine's items by kind, in declaration order, the states written
/// inside states listed after the state that holds them. Rule: one context.
fn split_items(
    cx: &mut Ctxt,
    items: Vec<Item>,
) -> (
    Option<Type>,
    Vec<StateDecl>,
    Vec<EventDecl>,
    Vec<RemovedDecl>,
) {
    let mut context = None;
    let mut states = Vec::new();
    let mut events = Vec::new();
    let mut removed = Vec::new();
    for item in items {
        match item {
            Item::Context(c) => {
                if context.is_some() {
                    cx.error(
                        c.keyword.span(),
                        "`context` is declared twice; a machine has one context type",
                    );
                }
                context = Some(c.ty);
            }
            Item::State(s) => states.push(*s),
            Item::Event(e) => events.push(e),
            Item::Removed(r) => removed.push(r),
        }
    }
    (context, hierarchy::flatten(states), events, removed)
}
