//! A declaration that passed every rule -> the [`Model`] `expand` reads:
//! the generated types' names, states with their stored names, events with
//! their variants and transitions, and the [`Definition`] the generated
//! code builds.

use proc_macro2::TokenStream;
use stateforge_core::{Definition, MachineSpec};
use syn::{Attribute, Ident, Type, Visibility};

use crate::ast::{EventDecl, RemovedDecl, StateDecl};
use crate::case::{snake, stored_spec, upper_camel};
use crate::check::migration_tokens;
use crate::model::{Compound, DataMigration, Event, Model, State, Transition};

/// A declaration that passed every rule, with what the rules worked out.
pub(crate) struct Checked {
    /// The path to the `stateforge` facade.
    pub(crate) krate: TokenStream,
    /// Visibility of every generated item.
    pub(crate) vis: Visibility,
    /// The `machine` keyword, for errors about the machine as a whole.
    pub(crate) machine_token: Ident,
    /// The machine's name (`Task`).
    pub(crate) name: Ident,
    /// Doc comments of the machine.
    pub(crate) docs: Vec<Attribute>,
    /// Other attributes of the machine.
    pub(crate) attrs: Vec<Attribute>,
    /// The context type, if declared.
    pub(crate) context: Option<Type>,
    /// States in declaration order.
    pub(crate) states: Vec<StateDecl>,
    /// Events in declaration order.
    pub(crate) events: Vec<EventDecl>,
    /// The removed states.
    pub(crate) removed: Vec<RemovedDecl>,
    /// Per event, one transition per (arm, source state); with compound
    /// states, per (configuration, event) pair, between configurations.
    pub(crate) transitions: Vec<Vec<Transition>>,
    /// With compound states, the declared leaf of each configuration.
    pub(crate) leaves: Option<Vec<usize>>,
    /// The machine with the names as written, as the graph rules validated it.
    pub(crate) spec: MachineSpec,
}

/// Builds the model of a checked declaration.
pub(crate) fn lower(checked: Checked) -> syn::Result<Model> {
    let Checked {
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
        leaves,
        spec,
    } = checked;
    let state_enum = affixed(&name, "", "State");
    let event_enum = affixed(&name, "", "Event");
    let any = affixed(&name, "Any", "");
    // The rules ran on the names as written, to name what the user wrote;
    // the definition emitted is that spec under its stored names (checked
    // distinct and short enough by `case::check_stored_names`), validated
    // again so that the one the generated code builds at run time cannot
    // be refused there.
    let stored = stored_spec(spec);
    let definition = Definition::new(stored)
        .map_err(|e| syn::Error::new(machine_token.span(), e.to_string()))?;
    // The typed states: the declared ones, or with compound states the
    // configurations, each its leaf's type.
    let leaves = leaves.unwrap_or_else(|| (0..states.len()).collect());
    let initial = definition.initial().index();
    let data_migrations = migration_tokens(&states, &removed)
        .into_iter()
        .filter_map(|m| {
            Some(DataMigration {
                from: snake(&m.from.to_string()),
                target: leaves.iter().position(|&l| states[l].name == *m.to)?,
                with: m.with?.clone(),
            })
        })
        .collect();
    let compounds = compounds(&states, &leaves);
    let states = leaves
        .iter()
        .zip(definition.states())
        .map(|(&leaf, id)| {
            let s = &states[leaf];
            State {
                is_final: definition.is_final(id),
                ident: s.name.clone(),
                attrs: s.attrs.clone(),
                fields: s.fields.clone(),
                stored: definition.state_name(id).to_owned(),
            }
        })
        .collect();
    let events = events
        .into_iter()
        .zip(transitions)
        .map(|(e, transitions)| Event {
            variant: Ident::new(&upper_camel(&e.name.to_string()), e.name.span()),
            ident: e.name,
            attrs: e.attrs,
            args: e.args,
            transitions,
        })
        .collect();
    Ok(Model {
        krate,
        vis,
        state_enum,
        event_enum,
        any,
        name,
        docs,
        attrs,
        context,
        states,
        events,
        initial,
        definition,
        data_migrations,
        compounds,
    })
}

/// Each declared state holding states, with the typed states (indices in
/// `leaves`) whose leaf is inside it.
fn compounds(states: &[StateDecl], leaves: &[usize]) -> Vec<Compound> {
    let parent = |i: usize| {
        let p = states[i].parent.as_ref()?;
        states.iter().position(|s| s.name == *p)
    };
    let inside = |mut leaf: usize, ancestor: usize| {
        while let Some(p) = parent(leaf) {
            if p == ancestor {
                return true;
            }
            leaf = p;
        }
        false
    };
    states
        .iter()
        .enumerate()
        .filter(|(_, s)| s.has_children || s.region.is_some() || s.parallel.is_some())
        .map(|(ci, s)| Compound {
            marker: affixed(&s.name, "In", ""),
            written: s.name.to_string(),
            states: (0..leaves.len())
                .filter(|&ti| inside(leaves[ti], ci))
                .collect(),
        })
        .collect()
}

/// `base` with `prefix` and `suffix` (`Task` -> `AnyTask`), spanned as it.
fn affixed(base: &Ident, prefix: &str, suffix: &str) -> Ident {
    Ident::new(&format!("{prefix}{base}{suffix}"), base.span())
}
