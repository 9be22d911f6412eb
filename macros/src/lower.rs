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
use crate::model::{DataMigration, Event, Model, State, Transition};

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
    /// Per event, one transition per (arm, source state).
    pub(crate) transitions: Vec<Vec<Transition>>,
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
    let stored_names: Vec<String> = stored.states.iter().map(|s| s.name.clone()).collect();
    let definition = Definition::new(stored)
        .map_err(|e| syn::Error::new(machine_token.span(), e.to_string()))?;
    let initial = states.iter().position(|s| s.initial.is_some()).unwrap_or(0);
    let data_migrations = migration_tokens(&states, &removed)
        .into_iter()
        .filter_map(|m| {
            Some(DataMigration {
                from: snake(&m.from.to_string()),
                target: states.iter().position(|s| s.name == *m.to)?,
                with: m.with?.clone(),
            })
        })
        .collect();
    let states = states
        .into_iter()
        .zip(stored_names)
        .map(|(s, stored)| State {
            is_final: s.final_.is_some(),
            entry: s.entry,
            exit: s.exit,
            ident: s.name,
            attrs: s.attrs,
            fields: s.fields,
            stored,
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
    })
}

/// `base` with `prefix` and `suffix` (`Task` -> `AnyTask`), spanned as it.
fn affixed(base: &Ident, prefix: &str, suffix: &str) -> Ident {
    Ident::new(&format!("{prefix}{base}{suffix}"), base.span())
}
