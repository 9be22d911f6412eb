//! A machine with compound states, as the typed API sees it: core's
//! flattening of the declaration into configurations, each one typed
//! machine state, and its transitions with where each field of the state
//! entered comes from.

use proc_macro2::TokenStream;
use quote::quote;
use stateforge_core::{Definition, MachineSpec};
use syn::Ident;

use super::nested_actions::{self, Kind};
use crate::ast::{EventDecl, StateDecl};
use crate::case::snake;
use crate::ctxt::Ctxt;
use crate::model::{FieldFrom, FieldSource, NestedAction, Product, Transition, Value};

/// The flattened machine: its configurations, each one typed state, and
/// per event its transitions between them, in core's order (alternatives
/// of one source side by side, in the order tried).
pub(crate) struct Flattened {
    /// The configurations, in state id order.
    pub(crate) configurations: Vec<Configuration>,
    /// Per event, its transitions; `source` and `target` index
    /// `configurations`.
    pub(crate) transitions: Vec<Vec<Transition>>,
    /// The parallel states' structs.
    pub(crate) products: Vec<Product>,
    /// Per configuration, the hidden methods running declared states'
    /// entry and exit actions.
    pub(crate) actions: Vec<Vec<NestedAction>>,
    /// The structs of the configurations that remember children of
    /// history states.
    pub(crate) remembering: Vec<Remembering>,
}

/// A configuration holding the memory of history states: its own struct,
/// holding the data of the configuration it is without the memory.
pub(crate) struct Remembering {
    /// The struct (`OffRememberingPaused`).
    pub(crate) ident: Ident,
    /// The type of the data it holds (`Off`, `Building<Running, Writing>`).
    pub(crate) inner: TokenStream,
    /// Its stored name (`off[on.paused]`).
    pub(crate) stored: String,
    /// Each history state remembered, as written, with the child it
    /// enters again.
    pub(crate) memory: Vec<(String, String)>,
}

/// One configuration, as a typed state.
pub(crate) struct Configuration {
    /// Its declared leaf, when it is in one leaf (no parallel state).
    pub(crate) leaf: Option<usize>,
    /// Its variant in the state enum and the any-enum.
    pub(crate) ident: Ident,
    /// The type of its data.
    pub(crate) ty: TokenStream,
    /// Its data, when every leaf has no fields.
    pub(crate) unit_value: Option<TokenStream>,
    /// Its declared leaves.
    pub(crate) leaves: Vec<usize>,
}

/// What a configuration's data is made of.
pub(super) enum Shape {
    /// A declared leaf, by index.
    Leaf(usize),
    /// A parallel state (by index), each region's field and shape.
    Product(usize, Vec<(Ident, Shape)>),
    /// A configuration remembering children of history states: its
    /// struct, holding the shape without the memory in its field `state`.
    Remembering(Ident, Box<Shape>),
}

impl Shape {
    fn ident(&self, states: &[StateDecl]) -> String {
        match self {
            Shape::Leaf(l) => states[*l].name.to_string(),
            Shape::Product(p, parts) => {
                let mut out = states[*p].name.to_string();
                for (_, part) in parts {
                    out.push_str(&part.ident(states));
                }
                out
            }
            Shape::Remembering(ident, _) => ident.to_string(),
        }
    }

    fn ty(&self, states: &[StateDecl]) -> TokenStream {
        match self {
            Shape::Leaf(l) => {
                let ident = &states[*l].name;
                quote!(#ident)
            }
            Shape::Product(p, parts) => {
                let ident = &states[*p].name;
                let parts = parts.iter().map(|(_, part)| part.ty(states));
                quote!(#ident<#(#parts),*>)
            }
            Shape::Remembering(ident, _) => quote!(#ident),
        }
    }

    fn unit_value(&self, states: &[StateDecl]) -> Option<TokenStream> {
        match self {
            Shape::Leaf(l) => {
                let ident = &states[*l].name;
                states[*l].fields.is_empty().then(|| quote!(#ident))
            }
            Shape::Product(p, parts) => {
                let ident = &states[*p].name;
                let values = parts
                    .iter()
                    .map(|(field, part)| {
                        let value = part.unit_value(states)?;
                        Some(quote!(#field: #value))
                    })
                    .collect::<Option<Vec<_>>>()?;
                Some(quote!(#ident { #(#values,)* }))
            }
            Shape::Remembering(ident, inner) => {
                let value = inner.unit_value(states)?;
                Some(quote!(#ident { state: #value }))
            }
        }
    }

    /// Each leaf with its path of region fields from the root.
    fn paths(&self, prefix: &[Ident], out: &mut Vec<(usize, Vec<Ident>)>) {
        match self {
            Shape::Leaf(l) => out.push((*l, prefix.to_vec())),
            Shape::Product(_, parts) => {
                for (field, part) in parts {
                    let mut path = prefix.to_vec();
                    path.push(field.clone());
                    part.paths(&path, out);
                }
            }
            Shape::Remembering(_, inner) => {
                let mut path = prefix.to_vec();
                path.push(remembering_field());
                inner.paths(&path, out);
            }
        }
    }
}

/// A configuration's name as stored (`off[on.paused]`), from its name
/// with the states as written (`Off[On.Paused]`).
fn stored_name(written: &str) -> String {
    let mut out = String::with_capacity(written.len());
    let mut word = String::new();
    for c in written.chars().chain(std::iter::once('.')) {
        if matches!(c, '.' | ',' | '[' | ']') {
            out.push_str(&snake(&word));
            word.clear();
            out.push(c);
        } else {
            word.push(c);
        }
    }
    out.pop();
    out
}

/// The field of a remembering configuration's struct holding its data.
fn remembering_field() -> Ident {
    Ident::new("state", proc_macro2::Span::call_site())
}

/// The parent of each declared state, by index.
fn parents(states: &[StateDecl]) -> Vec<Option<usize>> {
    states
        .iter()
        .map(|s| {
            let p = s.parent.as_ref()?;
            states.iter().position(|c| c.name == *p)
        })
        .collect()
}

pub(super) fn is_within(parents: &[Option<usize>], mut state: usize, ancestor: usize) -> bool {
    loop {
        if state == ancestor {
            return true;
        }
        match parents[state] {
            Some(p) => state = p,
            None => return false,
        }
    }
}

/// The shape of the configuration whose active leaves are `leaves`.
fn shape(states: &[StateDecl], parents: &[Option<usize>], leaves: &[usize]) -> Shape {
    let active = |i: usize| leaves.iter().any(|&l| is_within(parents, l, i));
    let root = (0..states.len())
        .find(|&i| parents[i].is_none() && active(i))
        .unwrap_or(leaves[0]);
    shape_of(states, parents, root, &active)
}

fn shape_of(
    states: &[StateDecl],
    parents: &[Option<usize>],
    s: usize,
    active: &dyn Fn(usize) -> bool,
) -> Shape {
    let children = (0..states.len()).filter(|&c| parents[c] == Some(s));
    if states[s].parallel.is_some() {
        let parts = children
            .map(|r| {
                let field = Ident::new(&snake(&states[r].name.to_string()), states[r].name.span());
                (field, shape_of(states, parents, r, active))
            })
            .collect();
        return Shape::Product(s, parts);
    }
    let mut children = children.filter(|&c| active(c));
    match children.next() {
        Some(child) => shape_of(states, parents, child, active),
        None => Shape::Leaf(s),
    }
}

// Rules: each field of a leaf a transition enters is an argument of the
// event or a field of a leaf it leaves, by name; the struct of a
// configuration remembering children of history states takes no name a
// declared state or a generated trait has.
pub(super) fn flatten(
    cx: &mut Ctxt,
    spec: &MachineSpec,
    states: &[StateDecl],
    events: &[EventDecl],
) -> Option<Flattened> {
    // The graph rules passed, so core flattens the spec; a refusal here
    // was reported with them.
    let definition = Definition::new(nested_actions::named_by_state(spec)).ok()?;
    let parents = parents(states);
    let mut remembering = Vec::new();
    let shapes: Vec<Shape> = definition
        .states()
        .map(|id| {
            let shape = shape(states, &parents, definition.leaves(id));
            let memory = definition.remembered(id);
            if memory.is_empty() {
                return shape;
            }
            // Named after the configuration without the memory and the
            // children remembered: state names are unique in a machine,
            // so two configurations never share one.
            let mut name = format!("{}Remembering", shape.ident(states));
            for r in memory {
                name.push_str(&states[r.child].name.to_string());
            }
            // At the state it is a configuration of: rustc's notes about
            // the type (a refused event) then point there.
            let at = match &shape {
                Shape::Leaf(s) | Shape::Product(s, _) => states[*s].name.span(),
                Shape::Remembering(ident, _) => ident.span(),
            };
            let ident = Ident::new(&name, at);
            remembering.push(Remembering {
                ident: ident.clone(),
                inner: shape.ty(states),
                stored: stored_name(definition.state_name(id)),
                memory: memory
                    .iter()
                    .map(|r| {
                        (
                            states[r.state].name.to_string(),
                            states[r.child].name.to_string(),
                        )
                    })
                    .collect(),
            });
            Shape::Remembering(ident, Box::new(shape))
        })
        .collect();
    check_remembering_names(cx, states, &remembering);
    let paths: Vec<Vec<(usize, Vec<Ident>)>> = shapes
        .iter()
        .map(|s| {
            let mut out = Vec::new();
            s.paths(&[], &mut out);
            out
        })
        .collect();
    let configurations: Vec<Configuration> = shapes
        .iter()
        .map(|shape| Configuration {
            leaf: match shape {
                Shape::Leaf(l) => Some(*l),
                Shape::Product(..) | Shape::Remembering(..) => None,
            },
            ident: match shape {
                Shape::Remembering(ident, _) => ident.clone(),
                _ => Ident::new(&shape.ident(states), proc_macro2::Span::call_site()),
            },
            ty: shape.ty(states),
            unit_value: shape.unit_value(states),
            leaves: {
                let mut out = Vec::new();
                shape.paths(&[], &mut out);
                out.into_iter().map(|(l, _)| l).collect()
            },
        })
        .collect();
    check_product_names(cx, states, &shapes, &configurations);
    let products = states
        .iter()
        .enumerate()
        .filter(|(_, s)| s.parallel.is_some())
        .map(|(p, s)| Product {
            ident: s.name.clone(),
            attrs: s.attrs.clone(),
            regions: (0..states.len())
                .filter(|&r| parents[r] == Some(p))
                .map(|r| {
                    let name = &states[r].name;
                    (
                        Ident::new(&snake(&name.to_string()), name.span()),
                        name.clone(),
                    )
                })
                .collect(),
        })
        .collect();
    let transitions: Vec<Vec<Transition>> = events
        .iter()
        .enumerate()
        .map(|(ei, e)| {
            let mut out = Vec::new();
            for (ti, t) in definition.transitions().iter().enumerate() {
                if t.event.index() != ei {
                    continue;
                }
                let origins = definition.arms_of(ti);
                let arm = &e.arms[origins[0].arm];
                let (source, target) = (t.from.index(), t.to.index());
                let entered_by: Vec<usize> = origins
                    .iter()
                    .filter_map(|o| {
                        let to = &e.arms[o.arm].target;
                        states.iter().position(|s| s.name == *to)
                    })
                    .collect();
                let cx_field = Resolve {
                    states,
                    parents: &parents,
                    event: e,
                    target_token: &arm.target,
                    source: &paths[source],
                    entered_by: &entered_by,
                };
                let (fields, value) = match (&shapes[source], &shapes[target]) {
                    (Shape::Leaf(sl), Shape::Leaf(tl)) => {
                        (cx_field.leaf_fields(cx, *sl, *tl), None)
                    }
                    (_, target_shape) => {
                        let mut used = Vec::new();
                        let value = cx_field.value(cx, target_shape, &mut used);
                        (
                            used.into_iter().map(FieldSource::Arg).collect(),
                            Some(value),
                        )
                    }
                };
                out.push(Transition {
                    source,
                    target,
                    guard: arm.guard.clone(),
                    action: arm.action.clone(),
                    fields,
                    value,
                    exits: nested_actions::calls(states, Kind::Exit, &t.exits),
                    entries: nested_actions::calls(states, Kind::Entry, &t.entries),
                });
            }
            out
        })
        .collect();
    let actions = nested_actions::methods(&parents, &shapes, &transitions);
    Some(Flattened {
        configurations,
        transitions,
        products,
        actions,
        remembering,
    })
}

/// A remembering configuration's struct named as a declared state (whose
/// struct has that name) or as the trait generated for a state holding
/// states would not compile: refused at the history state it remembers.
fn check_remembering_names(cx: &mut Ctxt, states: &[StateDecl], remembering: &[Remembering]) {
    for r in remembering {
        let clash = states.iter().find(|s| {
            s.name == r.ident
                || (super::hierarchy::holds_states(s) && r.ident == format!("In{}", s.name))
        });
        let Some(clash) = clash else { continue };
        let history = states
            .iter()
            .find(|s| r.memory.first().is_some_and(|(h, _)| s.name == h.as_str()));
        let span = history
            .and_then(|s| s.history.as_ref())
            .map_or(clash.name.span(), Ident::span);
        let what = if clash.name == r.ident {
            format!("state `{}`", clash.name)
        } else {
            format!("the trait generated for state `{}`", clash.name)
        };
        cx.error(
            span,
            format!(
                "configuration `{}` remembers what history state `{}` was left in, so it is \
                 typed `{}`, which is already {what}; rename state `{}`",
                r.stored, r.memory[0].0, r.ident, clash.name
            ),
        );
    }
}

// Rule: a configuration of a parallel state is typed by its name and its
// regions' states joined (`WorkTestsDocs`), a variant of the any-enum and
// of the state enum beside the declared states'; a declared state, or
// another configuration, of that name would make two of one name, which
// rustc reports on the whole macro.
fn check_product_names(
    cx: &mut Ctxt,
    states: &[StateDecl],
    shapes: &[Shape],
    configurations: &[Configuration],
) {
    let mut reported: Vec<String> = Vec::new();
    for (shape, c) in shapes.iter().zip(configurations) {
        let Shape::Product(p, _) = shape else {
            continue;
        };
        let name = c.ident.to_string();
        if reported.contains(&name) {
            continue;
        }
        let what = if let Some(s) = states.iter().find(|s| s.name == name) {
            format!("the name of state `{}`", s.name)
        } else if configurations.iter().filter(|o| o.ident == name).count() > 1 {
            "the name of another of its configurations".to_owned()
        } else {
            continue;
        };
        let parallel = &states[*p].name;
        cx.error(
            parallel.span(),
            format!(
                "a configuration of parallel state `{parallel}` is typed `{name}` (the state's \
                 name and its regions' states, joined), which is already {what}; rename one of \
                 them"
            ),
        );
        reported.push(name);
    }
}

/// What resolving the data of one transition's target reads.
struct Resolve<'a> {
    states: &'a [StateDecl],
    parents: &'a [Option<usize>],
    event: &'a EventDecl,
    target_token: &'a Ident,
    /// The leaves left, with their paths.
    source: &'a [(usize, Vec<Ident>)],
    /// The states the transition's arms enter.
    entered_by: &'a [usize],
}

impl Resolve<'_> {
    /// A single leaf to a single leaf: each field from an argument or
    /// from the leaf left.
    fn leaf_fields(&self, cx: &mut Ctxt, source: usize, target: usize) -> Vec<FieldSource> {
        let (e, source_leaf) = (self.event, &self.states[source]);
        let mut fields = Vec::new();
        for field in &self.states[target].fields {
            if let Some(i) = e.args.iter().position(|a| a.name == field.name) {
                fields.push(FieldSource::Arg(i));
            } else if let Some(i) = source_leaf.fields.iter().position(|f| f.name == field.name) {
                fields.push(FieldSource::Source(i));
            } else {
                self.missing(cx, target, field, &source_leaf.name.to_string());
            }
        }
        fields
    }

    /// The value of `shape` entered: leaves entered built, the others kept.
    fn value(&self, cx: &mut Ctxt, shape: &Shape, used: &mut Vec<usize>) -> Value {
        match shape {
            Shape::Product(p, parts) => Value::Product {
                ident: self.states[*p].name.clone(),
                parts: parts
                    .iter()
                    .map(|(field, part)| (field.clone(), self.value(cx, part, used)))
                    .collect(),
            },
            Shape::Remembering(ident, inner) => Value::Product {
                ident: ident.clone(),
                parts: vec![(remembering_field(), self.value(cx, inner, used))],
            },
            Shape::Leaf(l) => {
                let kept = self.source.iter().find(|(s, _)| s == l);
                let entered = self
                    .entered_by
                    .iter()
                    .any(|&t| is_within(self.parents, *l, t));
                if let (Some((_, path)), false) = (kept, entered) {
                    return Value::Keep(path.clone());
                }
                let e = self.event;
                let mut fields = Vec::new();
                for field in &self.states[*l].fields {
                    let from =
                        if let Some(i) = e.args.iter().position(|a| a.name == field.name) {
                            if !used.contains(&i) {
                                used.push(i);
                            }
                            FieldFrom::Arg(i)
                        } else if let Some((_, path)) = self.source.iter().find(|(s, _)| {
                            self.states[*s].fields.iter().any(|f| f.name == field.name)
                        }) {
                            FieldFrom::Source(path.clone(), field.name.clone())
                        } else {
                            let left: Vec<String> = self
                                .source
                                .iter()
                                .map(|(s, _)| self.states[*s].name.to_string())
                                .collect();
                            self.missing(cx, *l, field, &left.join("`, `"));
                            continue;
                        };
                    fields.push((field.name.clone(), from));
                }
                Value::Leaf {
                    ident: self.states[*l].name.clone(),
                    fields,
                }
            }
        }
    }

    fn missing(&self, cx: &mut Ctxt, target: usize, field: &crate::ast::FieldDecl, left: &str) {
        let e = self.event;
        let target_leaf = &self.states[target].name;
        let ty = &field.ty;
        let entered = if *target_leaf == *self.target_token {
            String::new()
        } else {
            format!(", entered by `{}`,", self.target_token)
        };
        cx.error(
            self.target_token.span(),
            format!(
                "state `{target_leaf}`{entered} needs field `{}`, which neither event `{}` nor state `{left}` provides; add it to the event's arguments: `event {}({}: {}): ...`",
                field.name,
                e.name,
                e.name,
                field.name,
                quote!(#ty).to_string().replace(' ', "")
            ),
        );
    }
}
