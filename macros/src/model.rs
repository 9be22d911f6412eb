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
    /// The states that hold states, each with the typed states inside it.
    pub(crate) compounds: Vec<Compound>,
    /// The structs of the declared leaf states, when they are not the
    /// typed states one for one (a machine with parallel states, or with
    /// configurations remembering history).
    pub(crate) leaf_structs: Option<Vec<LeafStruct>>,
    /// The struct of each parallel state, generic over its regions.
    pub(crate) products: Vec<Product>,
    /// The struct of each configuration remembering children of history
    /// states.
    pub(crate) remembering: Vec<crate::check::Remembering>,
}

/// A declared leaf state's struct, in a machine whose typed states are
/// not its leaves one for one.
pub(crate) struct LeafStruct {
    /// The struct's name.
    pub(crate) ident: Ident,
    /// Its attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// Its fields.
    pub(crate) fields: Vec<FieldDecl>,
    /// Its stored name (`running`), for its doc.
    pub(crate) stored: String,
    /// Whether it is final.
    pub(crate) is_final: bool,
}

/// A parallel state's struct: one field per region, each of a type
/// parameter named as the region (`Building<Tests, Docs>`).
pub(crate) struct Product {
    /// The parallel state's name.
    pub(crate) ident: Ident,
    /// Its attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// Its regions: the field (`tests`) and the type parameter (`Tests`).
    pub(crate) regions: Vec<(Ident, Ident)>,
}

/// How a transition between configurations of parallel states builds the
/// state it enters, from the one it leaves (`base`).
#[derive(Clone)]
pub(crate) enum Value {
    /// A leaf state built from the event's arguments and the fields of the
    /// states left.
    Leaf {
        /// The leaf's struct.
        ident: Ident,
        /// Each field, and where its value comes from.
        fields: Vec<(Ident, FieldFrom)>,
    },
    /// A region's state kept as it is, at this path in the state left.
    Keep(Vec<Ident>),
    /// A parallel state's struct, each region's value.
    Product {
        /// The parallel state's struct.
        ident: Ident,
        /// Each region's field and value.
        parts: Vec<(Ident, Value)>,
    },
}

/// Where a field of a leaf entered comes from.
#[derive(Clone)]
pub(crate) enum FieldFrom {
    /// The event argument with this index.
    Arg(usize),
    /// The field of the leaf left at this path (from the state left).
    Source(Vec<Ident>, Ident),
}

impl Value {
    /// The expression building this value from `base`, the state left.
    pub(crate) fn tokens(&self, base: &TokenStream, args: &[FieldDecl]) -> TokenStream {
        match self {
            Value::Leaf { ident, fields } if fields.is_empty() => quote::quote!(#ident),
            Value::Leaf { ident, fields } => {
                let values = fields.iter().map(|(name, from)| {
                    let value = match from {
                        FieldFrom::Arg(i) => {
                            let a = &args[*i].name;
                            quote::quote!(#a)
                        }
                        FieldFrom::Source(path, f) => quote::quote!(#base #(.#path)* .#f),
                    };
                    quote::quote!(#name: #value)
                });
                quote::quote!(#ident { #(#values,)* })
            }
            Value::Keep(path) => quote::quote!(#base #(.#path)*),
            Value::Product { ident, parts } => {
                let parts = parts.iter().map(|(field, value)| {
                    let value = value.tokens(base, args);
                    quote::quote!(#field: #value)
                });
                quote::quote!(#ident { #(#parts,)* })
            }
        }
    }
}

/// A state holding states: not a type of its own, but a trait its typed
/// states implement (`InActive`), so code can take any of them.
pub(crate) struct Compound {
    /// The trait (`InActive`), spanned at the state's name.
    pub(crate) marker: Ident,
    /// The state's name as written (`Active`).
    pub(crate) written: String,
    /// The types inside it: the typed states', or inside a parallel
    /// state its leaves' structs.
    pub(crate) types: Vec<TokenStream>,
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

/// A checked state: a declared state of a flat machine, or a
/// configuration of a machine with compound states (then named after the
/// declared leaf it is in, with the configuration's stored name).
pub(crate) struct State {
    /// The state's type name (`InProgress`).
    pub(crate) ident: Ident,
    /// Its attributes, doc comments included.
    pub(crate) attrs: Vec<Attribute>,
    /// Its fields; empty for a unit state, and for a configuration of a
    /// parallel state (whose data is its regions' states).
    pub(crate) fields: Vec<FieldDecl>,
    /// The type of its data: `ident`, or for a configuration of a parallel
    /// state the parallel state's struct over its regions' states
    /// (`Building<Running, Writing>`).
    pub(crate) ty: TokenStream,
    /// Its data when it has none to be given (`Pending`, `Building {
    /// tests: Running, docs: Writing }`), or `None`.
    pub(crate) unit_value: Option<TokenStream>,
    /// Whether it is final.
    pub(crate) is_final: bool,
    /// The action run by every transition into it, as the user wrote it.
    pub(crate) entry: Option<Path>,
    /// The action run by every transition out of it, as the user wrote it.
    pub(crate) exit: Option<Path>,
    /// With compound states, the hidden methods running the actions of
    /// declared states that transitions out of or into it run.
    pub(crate) nested_actions: Vec<NestedAction>,
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
    /// Where each field of the target state comes from, in field order;
    /// between configurations of parallel states, only the arguments used.
    pub(crate) fields: Vec<FieldSource>,
    /// Between configurations of parallel states, how the state entered
    /// is built.
    pub(crate) value: Option<Value>,
    /// With compound states, the exit actions taking it runs, in core's
    /// order (innermost first); empty in a flat machine, which runs its
    /// states' own (`State::exit`, `State::entry`).
    pub(crate) exits: Vec<NestedActionCall>,
    /// With compound states, the entry actions taking it runs, in core's
    /// order (outermost first); empty in a flat machine.
    pub(crate) entries: Vec<NestedActionCall>,
}

/// Where a target state's field gets its value.
#[derive(Clone, Copy)]
pub(crate) enum FieldSource {
    /// The event argument with this index.
    Arg(usize),
    /// The source state's field with this index.
    Source(usize),
}

/// A hidden method of a typed state of a machine with compound states,
/// calling a declared state's entry or exit action with the context and
/// that state's data in the typed state: a leaf's struct, a parallel
/// state's struct over its regions' states, or for a compound state or a
/// region the data of the state active in it. So an action takes what
/// a flat machine's takes, its state's data, and one of a state holding
/// states is generic over its children's types as a guard of its arms is.
pub(crate) struct NestedAction {
    /// The hidden method (`__sf_entry_open`).
    pub(crate) method: Ident,
    /// The action, as the user wrote it.
    pub(crate) path: Path,
    /// The region fields leading to the state's data in the typed state's
    /// (empty when it is the typed state's data).
    pub(crate) data: Vec<Ident>,
}

/// A call of a declared state's entry or exit action by one transition.
#[derive(Clone)]
pub(crate) struct NestedActionCall {
    /// The declared state, by index.
    pub(crate) state: usize,
    /// The hidden method called, on the typed state left (exit) or
    /// entered (entry).
    pub(crate) method: Ident,
    /// The action, as the user wrote it.
    pub(crate) path: Path,
}

impl State {
    /// Its type as a message writes it: `Assigned`, `Building<Running, Writing>`.
    pub(crate) fn type_text(&self) -> String {
        self.ty.to_string().replace(' ', "").replace(',', ", ")
    }
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
