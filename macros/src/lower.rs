//! A declaration that passed every rule -> the [`Model`] `expand` reads:
//! the generated types' names, states with their stored names, events with
//! their variants and transitions, and the [`Definition`] the generated
//! code builds.

use proc_macro2::TokenStream;
use stateforge_core::{Definition, MachineSpec};
use syn::{Attribute, Ident, Type, Visibility};

use crate::ast::{EventDecl, RemovedDecl, StateDecl};
use crate::case::{snake, stored_spec, upper_camel};
use crate::check::{Flattened, migration_tokens};
use crate::model::{Compound, DataMigration, Event, LeafStruct, Model, State, Transition};

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
    /// With compound states, core's configurations as typed states.
    pub(crate) flattened: Option<Flattened>,
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
        flattened,
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
    // configurations, each its leaf's type or its parallel states' structs.
    let (configurations, products, nested_actions, remembering) = match flattened {
        Some(f) => (Some(f.configurations), f.products, f.actions, f.remembering),
        None => (None, Vec::new(), Vec::new(), Vec::new()),
    };
    let mut nested_actions = nested_actions.into_iter();
    let leaves: Vec<Option<usize>> = match &configurations {
        Some(c) => c.iter().map(|c| c.leaf).collect(),
        None => (0..states.len()).map(Some).collect(),
    };
    let initial = definition.initial().index();
    let data_migrations = migration_tokens(&states, &removed)
        .into_iter()
        .filter_map(|m| {
            Some(DataMigration {
                from: snake(&m.from.to_string()),
                target: leaves
                    .iter()
                    .position(|l| l.is_some_and(|l| states[l].name == *m.to))?,
                with: m.with?.clone(),
            })
        })
        .collect();
    let compounds = compounds(&states, &leaves, configurations.as_deref());
    let leaf_structs = (!products.is_empty() || !remembering.is_empty()).then(|| {
        states
            .iter()
            .filter(|s| !s.has_children && s.parallel.is_none() && s.region.is_none())
            .map(|s| LeafStruct {
                ident: s.name.clone(),
                attrs: s.attrs.clone(),
                fields: s.fields.clone(),
                stored: snake(&s.name.to_string()),
                is_final: s.final_.is_some(),
            })
            .collect()
    });
    let states = leaves
        .iter()
        .zip(definition.states())
        .map(|(leaf, id)| {
            let stored = definition.state_name(id).to_owned();
            let is_final = definition.is_final(id);
            // In state id order, as the configurations.
            let nested_actions = nested_actions.next().unwrap_or_default();
            match (leaf, &configurations) {
                (Some(leaf), _) => {
                    let s = &states[*leaf];
                    let ident = s.name.clone();
                    State {
                        is_final,
                        ty: quote::quote!(#ident),
                        unit_value: s.fields.is_empty().then(|| quote::quote!(#ident)),
                        ident,
                        attrs: s.attrs.clone(),
                        fields: s.fields.clone(),
                        // With compound states, each transition lists the
                        // actions it runs, a leaf's among its parents', in
                        // core's order (`Transition::exits`, `entries`).
                        entry: configurations.is_none().then(|| s.entry.clone()).flatten(),
                        exit: configurations.is_none().then(|| s.exit.clone()).flatten(),
                        nested_actions,
                        stored,
                    }
                }
                (None, Some(c)) => {
                    let c = &c[id.index()];
                    State {
                        is_final,
                        ident: c.ident.clone(),
                        ty: c.ty.clone(),
                        unit_value: c.unit_value.clone(),
                        attrs: Vec::new(),
                        fields: Vec::new(),
                        // Listed by each transition, as above.
                        entry: None,
                        exit: None,
                        nested_actions,
                        stored,
                    }
                }
                (None, None) => unreachable!("a flat machine's states are its leaves"),
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
        leaf_structs,
        products,
        remembering,
    })
}

/// Each declared state holding states, with the types inside it: the
/// typed states whose leaf (or a leaf of which) is in it, or for a state
/// inside a parallel state, whose typed states are products, the structs
/// of the leaves in it.
fn compounds(
    states: &[StateDecl],
    leaves: &[Option<usize>],
    configurations: Option<&[crate::check::Configuration]>,
) -> Vec<Compound> {
    let parent = |i: usize| {
        let p = states[i].parent.as_ref()?;
        states.iter().position(|s| s.name == *p)
    };
    let inside = |mut state: usize, ancestor: usize| {
        loop {
            if state == ancestor {
                return true;
            }
            match parent(state) {
                Some(p) => state = p,
                None => return false,
            }
        }
    };
    let in_parallel = |state: usize| {
        let mut at = parent(state);
        while let Some(p) = at {
            if states[p].parallel.is_some() {
                return true;
            }
            at = parent(p);
        }
        false
    };
    let is_leaf = |l: usize| {
        let leaf = &states[l];
        !leaf.has_children && leaf.parallel.is_none() && leaf.region.is_none()
    };
    states
        .iter()
        .enumerate()
        .filter(|(_, s)| s.has_children || s.region.is_some() || s.parallel.is_some())
        .map(|(ci, s)| {
            let types = if in_parallel(ci) {
                (0..states.len())
                    .filter(|&l| is_leaf(l) && inside(l, ci))
                    .map(|l| {
                        let ident = &states[l].name;
                        quote::quote!(#ident)
                    })
                    .collect()
            } else {
                (0..leaves.len())
                    .filter_map(|ti| match (leaves[ti], configurations) {
                        (Some(l), _) => inside(l, ci).then(|| {
                            let ident = &states[l].name;
                            quote::quote!(#ident)
                        }),
                        (None, Some(c)) => c[ti]
                            .leaves
                            .iter()
                            .any(|&l| inside(l, ci))
                            .then(|| c[ti].ty.clone()),
                        (None, None) => None,
                    })
                    .collect()
            };
            Compound {
                marker: affixed(&s.name, "In", ""),
                written: s.name.to_string(),
                types,
            }
        })
        .collect()
}

/// `base` with `prefix` and `suffix` (`Task` -> `AnyTask`), spanned as it.
fn affixed(base: &Ident, prefix: &str, suffix: &str) -> Ident {
    Ident::new(&format!("{prefix}{base}{suffix}"), base.span())
}
