//! The checked machine: everything `expand` needs, nothing it must re-check.

use proc_macro2::TokenStream;
use stateforge_core::Definition;
use syn::{Attribute, Ident, Path, Type, Visibility};

use crate::ast::FieldDecl;

/// A machine that passed every check.
pub(crate) struct Model {
    /// The path to the `stateforge` facade.
    pub(crate) krate: TokenStream,
    /// Visibility of every generated item.
    pub(crate) vis: Visibility,
    /// The typestate struct (`Task`).
    pub(crate) name: Ident,
    /// The plain enum of state names (`TaskState`).
    pub(crate) state_enum: Ident,
    /// The enum of events with their arguments (`TaskEvent`).
    pub(crate) event_enum: Ident,
    /// The enum over every typed machine (`AnyTask`).
    pub(crate) any: Ident,
    /// Doc comments of the machine.
    pub(crate) docs: Vec<Attribute>,
    /// Other attributes of the machine, applied to every generated type.
    pub(crate) attrs: Vec<Attribute>,
    /// The context type, if declared.
    pub(crate) context: Option<Type>,
    /// States in declaration order.
    pub(crate) states: Vec<State>,
    /// Events in declaration order.
    pub(crate) events: Vec<Event>,
    /// Index of the initial state.
    pub(crate) initial: usize,
    /// The definition the generated code builds at run time, with stored
    /// names: validated as emitted, so the one it builds is the one checked.
    pub(crate) definition: Definition,
    /// The declared migrations that make data with a function.
    pub(crate) data_migrations: Vec<DataMigration>,
}

/// A declared migration whose rows get new data from a function.
pub(crate) struct DataMigration {
    /// The stored name of the state migrated from.
    pub(crate) from: String,
    /// Index of the state migrated to: the function's result is its data.
    pub(crate) target: usize,
    /// The function, as the user wrote it.
    pub(crate) with: Path,
}

/// A checked state.
pub(crate) struct State {
    /// The state's type name (`InProgress`).
    pub(crate) ident: Ident,
    /// Its attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// Its fields; empty for a unit state.
    pub(crate) fields: Vec<FieldDecl>,
    /// Whether it is final.
    pub(crate) is_final: bool,
    /// The action run by every transition into it, as the user wrote it.
    pub(crate) entry: Option<Path>,
    /// The action run by every transition out of it, as the user wrote it.
    pub(crate) exit: Option<Path>,
    /// Its stored name (`in_progress`).
    pub(crate) stored: String,
}

/// A checked event.
pub(crate) struct Event {
    /// The event's name, also its method name (`assign`).
    pub(crate) ident: Ident,
    /// Its attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// Its variant in the event enum (`Assign`).
    pub(crate) variant: Ident,
    /// Its arguments.
    pub(crate) args: Vec<FieldDecl>,
    /// One transition per (arm, source state), in declaration order; a
    /// source several arms leave has guarded alternatives.
    pub(crate) transitions: Vec<Transition>,
}

/// One (event, source) pair: one typed method.
pub(crate) struct Transition {
    /// Index of the source state.
    pub(crate) source: usize,
    /// Index of the target state.
    pub(crate) target: usize,
    /// The guard, as the user wrote it.
    pub(crate) guard: Option<Path>,
    /// The action, as the user wrote it.
    pub(crate) action: Option<Path>,
    /// Where each field of the target state comes from, in field order.
    pub(crate) fields: Vec<FieldSource>,
}

/// Where a target state's field gets its value.
#[derive(Clone, Copy)]
pub(crate) enum FieldSource {
    /// The event argument with this index.
    Arg(usize),
    /// The source state's field with this index.
    Source(usize),
}

impl Event {
    /// The transitions by source state, in the order each source first
    /// appears: one typed method each. A source with more than one is
    /// left by guarded alternatives, listed in the order they are tried.
    pub(crate) fn by_source(&self) -> Vec<(usize, Vec<&Transition>)> {
        let mut groups: Vec<(usize, Vec<&Transition>)> = Vec::new();
        for t in &self.transitions {
            match groups.iter_mut().find(|(source, _)| *source == t.source) {
                Some((_, group)) => group.push(t),
                None => groups.push((t.source, vec![t])),
            }
        }
        groups
    }

    /// The transitions out of state `source`, in the order they are tried.
    pub(crate) fn leaving(&self, source: usize) -> Vec<&Transition> {
        self.transitions
            .iter()
            .filter(|t| t.source == source)
            .collect()
    }
}
