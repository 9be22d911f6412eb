//! The dynamic half of a generated machine: the plain state enum, the
//! event enum, and the any-enum that fires events by value (and in place,
//! `in_place.rs`).

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use super::{context_type, definition_body};
use crate::model::Model;

/// `enum TaskState { Pending, ... }`: names only, `Copy`, stored as strings.
pub(super) fn expand_state_enum(m: &Model) -> TokenStream {
    let (vis, state_enum, krate) = (&m.vis, &m.state_enum, &m.krate);
    let machine_name = &m.definition.spec().name;
    let idents: Vec<_> = m.states.iter().map(|s| &s.ident).collect();
    let stored: Vec<_> = m.states.iter().map(|s| &s.stored).collect();
    let finals: Vec<_> = m.states.iter().map(|s| s.is_final).collect();
    let count = m.states.len();
    let initial = &m.states[m.initial].ident;
    let doc = format!("The states of [`{}`], by name.", m.name);
    let variant_docs = stored.iter().map(|s| format!("`{s}`"));
    quote! {
        #[doc = #doc]
        #[derive(::core::clone::Clone, ::core::marker::Copy, ::core::fmt::Debug,
                 ::core::cmp::PartialEq, ::core::cmp::Eq, ::core::hash::Hash,
                 ::core::cmp::PartialOrd, ::core::cmp::Ord)]
        #vis enum #state_enum {
            #(#[doc = #variant_docs] #idents,)*
        }

        impl #state_enum {
            /// Every state, in declaration order.
            #vis const ALL: [#state_enum; #count] = [#(#state_enum::#idents),*];

            /// The initial state.
            #vis const INITIAL: #state_enum = #state_enum::#initial;

            /// The state's stored name (`in_progress` for `InProgress`).
            #vis const fn as_str(self) -> &'static str {
                match self {
                    #(#state_enum::#idents => #stored,)*
                }
            }

            /// Whether the state is final: no event leaves it.
            #vis const fn is_final(self) -> bool {
                match self {
                    #(#state_enum::#idents => #finals,)*
                }
            }
        }

        impl ::core::fmt::Display for #state_enum {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl ::core::str::FromStr for #state_enum {
            type Err = #krate::__private::core::ParseStateError;
            fn from_str(s: &str) -> ::core::result::Result<Self, Self::Err> {
                match s {
                    #(#stored => ::core::result::Result::Ok(#state_enum::#idents),)*
                    _ => ::core::result::Result::Err(#krate::__private::core::ParseStateError {
                        machine: #machine_name,
                        name: ::std::string::ToString::to_string(s),
                    }),
                }
            }
        }
    }
}

/// `enum TaskEvent { Assign { agent: String }, Start, ... }`.
pub(super) fn expand_event_enum(m: &Model) -> TokenStream {
    let (vis, event_enum, krate, attrs) = (&m.vis, &m.event_enum, &m.krate, &m.attrs);
    let serde_derive = super::serde_impls::event_derive_attrs(m);
    let variants = m.events.iter().map(|e| {
        let (docs, variant) = (&e.attrs, &e.variant);
        let name = e.ident.to_string();
        let rename = super::serde_impls::rename_attr(m, &name);
        let doc = super::default_doc(docs, || format!("Event `{name}`."));
        if e.args.is_empty() {
            quote!(#doc #(#docs)* #rename #variant)
        } else {
            let fields = e.args.iter().map(|a| {
                let (attrs, arg, ty) = (&a.attrs, &a.name, &a.ty);
                let doc = super::default_doc(attrs, || format!("Argument `{arg}` of `{name}`."));
                quote!(#doc #(#attrs)* #arg: #ty)
            });
            quote!(#doc #(#docs)* #rename #variant { #(#fields,)* })
        }
    });
    let patterns: Vec<_> = m.events.iter().map(|e| any_args(m, e)).collect();
    let names = m.events.iter().map(|e| e.ident.to_string());
    let indices = (0..m.events.len()).map(|i| u32::try_from(i).unwrap_or(u32::MAX));
    let doc = format!("The events of [`{}`], with their arguments.", m.name);
    quote! {
        #[doc = #doc]
        #(#attrs)*
        #serde_derive
        // A machine fired only through its typed methods never builds its
        // events: that is no mistake of the user's, who did not write this
        // enum (with serde, deserializing builds them and hides it).
        #[allow(dead_code)]
        #vis enum #event_enum {
            #(#variants,)*
        }

        impl #event_enum {
            /// The event's name.
            #vis fn name(&self) -> &'static str {
                match *self {
                    #(#patterns => #names,)*
                }
            }
        }

        impl #krate::__private::core::Event for #event_enum {
            fn id(&self) -> #krate::__private::core::EventId {
                match *self {
                    #(#patterns => #krate::__private::core::EventId::__from_index(#indices),)*
                }
            }
        }
    }
}

/// The pattern of event `e` whatever its arguments: `TaskEvent::Start`,
/// `TaskEvent::Assign { .. }`.
fn any_args(m: &Model, e: &crate::model::Event) -> TokenStream {
    let (event_enum, variant) = (&m.event_enum, &e.variant);
    if e.args.is_empty() {
        quote!(#event_enum::#variant)
    } else {
        quote!(#event_enum::#variant { .. })
    }
}

/// `enum AnyTask { Pending(Task<Pending>), ... }` and its `fire`.
pub(super) fn expand_any(m: &Model) -> TokenStream {
    let (vis, name, any, krate) = (&m.vis, &m.name, &m.any, &m.krate);
    let (state_enum, event_enum, attrs) = (&m.state_enum, &m.event_enum, &m.attrs);
    let core = quote!(#krate::__private::core);
    let context = context_type(m);
    let machine_name = &m.definition.spec().name;
    let idents: Vec<_> = m.states.iter().map(|s| &s.ident).collect();
    let tys: Vec<_> = m.states.iter().map(|s| &s.ty).collect();
    let indices: Vec<u32> = (0..m.states.len())
        .map(|i| u32::try_from(i).unwrap_or(u32::MAX))
        .collect();
    let definition = definition_body(m);
    let doc = format!(
        "A [`{name}`] in whichever state it is: fire events by value, match to get \
         the typed machine back."
    );
    let variant_docs = m.states.iter().map(|s| format!("In state `{}`.", s.stored));

    let allowed = m.states.iter().enumerate().map(|(si, s)| {
        let ident = &s.ident;
        let events = m
            .events
            .iter()
            .filter(|e| e.transitions.iter().any(|t| t.source == si))
            .map(|e| e.ident.to_string());
        quote!(#any::#ident(_) => &[#(#events),*])
    });

    let next = m.states.iter().enumerate().map(|(si, s)| {
        let ident = &s.ident;
        // In declaration order, each once, however many events lead there.
        let targets = m.states.iter().enumerate().filter_map(|(ti, t)| {
            let reached = m
                .events
                .iter()
                .flat_map(|e| &e.transitions)
                .any(|tr| tr.source == si && tr.target == ti);
            let ident = &t.ident;
            reached.then(|| quote!(#state_enum::#ident))
        });
        quote!(#any::#ident(_) => &[#(#targets),*])
    });
    let docs = AnyDocs::new(m);
    let (restore_doc, allowed_doc, next_doc, can_transition_doc) = (
        &docs.restore,
        &docs.allowed_events,
        &docs.next_states,
        &docs.can_transition_to,
    );
    let ctx_param = m.context.is_some().then(|| quote!(context: #context,));
    let ctx_arg = if m.context.is_some() {
        quote!(context)
    } else {
        quote!(())
    };
    let state_of = super::refusal::state_of_path(m);
    // `restore` and its bound at the machine's name: rustc's "required by
    // this bound" then shows one line, not the whole macro.
    let restore_ident = syn::Ident::new("restore", name.span());
    let restore_bound = {
        let span = name.span();
        let s = syn::Ident::new("S", span);
        quote::quote_spanned!(span=> where #s: #state_of<Machine = Self, Context = #context>)
    };

    let mut can_fire = Vec::new();
    let mut target = Vec::new();
    // `fire` dispatches on the event first, then on the state: most events
    // leave few states, so the inner match is usually a compare or two.
    let mut fire = Vec::new();
    for e in &m.events {
        let (variant, method) = (&e.variant, &e.ident);
        let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
        let pattern = if args.is_empty() {
            quote!(#event_enum::#variant)
        } else {
            quote!(#event_enum::#variant { #(#args),* })
        };
        let event_name = method.to_string();
        // The unguarded sources of the event, in one arm of `can_fire`.
        let mut unguarded = Vec::new();
        // Where guarded alternatives lead, in `target`.
        let mut targets = Vec::new();
        let mut arms = Vec::new();
        for (source_index, alternatives) in e.by_source() {
            if let [_, _, ..] = alternatives.as_slice() {
                let source = &m.states[source_index].ident;
                let (check, fire_arm, target) =
                    alternative_arms(m, e, source_index, &alternatives, &pattern);
                match check {
                    None => unguarded.push(source),
                    Some(check) => {
                        can_fire.push(quote!((#any::#source(__sf_m), #pattern) => #check))
                    }
                }
                arms.push(fire_arm);
                targets.push(target);
                continue;
            }
            let t = alternatives[0];
            let (source, target) = (&m.states[t.source].ident, &m.states[t.target].ident);
            match &t.guard {
                None => {
                    unguarded.push(source);
                    arms.push(quote! {
                        #any::#source(__sf_m) => Ok(#any::#target(__sf_m.#method(#(#args),*)))
                    });
                }
                Some(guard) => {
                    let check = quote::format_ident!("__sf_guard_{}", method);
                    let state_name = &m.states[t.source].stored;
                    let guard_name = super::typed::path_text(guard);
                    can_fire.push(
                        quote!((#any::#source(__sf_m), #pattern) => __sf_m.#check(#(#args),*)),
                    );
                    arms.push(quote! {
                        #any::#source(__sf_m) => match __sf_m.#method(#(#args),*) {
                            Ok(__sf_next) => Ok(#any::#target(__sf_next)),
                            Err(__sf_rejected) => {
                                let (#(#args,)*) = __sf_rejected.args;
                                Err(#core::NotAllowed::new(
                                    #any::#source(__sf_rejected.machine),
                                    #pattern,
                                    #state_name,
                                    #event_name,
                                    #core::Refusal::Guard(#guard_name),
                                ))
                            }
                        }
                    });
                }
            }
        }
        fire.push(quote! {
            #pattern => match self {
                #(#arms,)*
                __sf_machine => Err(__sf_machine.__sf_no_transition(#pattern, #event_name)),
            }
        });
        if !unguarded.is_empty() {
            let loose = any_args(m, e);
            can_fire.push(quote!((#(#any::#unguarded(_))|*, #loose) => true));
        }
        target.extend(targets);
    }
    let migrate_fn = migrate_data_fn(m);
    // Only machines with guarded alternatives need more than the default,
    // which takes the first arm.
    let target_fn = (!target.is_empty()).then(|| {
        quote! {
            fn target(&self, event: &#event_enum) -> ::core::option::Option<#core::StateId> {
                #[allow(unreachable_patterns)]
                match (self, event) {
                    #(#target,)*
                    _ => <Self as #core::Machine>::definition()
                        .transition(
                            <Self as #core::Machine>::state_id(self),
                            #core::Event::id(event),
                        )
                        .map(|__sf_t| __sf_t.to),
                }
            }
        }
    });

    // Only called from `fire`'s arms: a machine without events has none.
    let no_transition = (!m.events.is_empty()).then(|| {
        quote! {
            /// The refusal of `event`, which no transition takes out of the
            /// current state.
            #[inline(always)]
            fn __sf_no_transition(self, event: #event_enum, name: &'static str)
                -> #core::NotAllowed<Self, #event_enum>
            {
                let state = self.state().as_str();
                #core::NotAllowed::new(self, event, state, name, #core::Refusal::NoTransition)
            }
        }
    });

    let fire_in_place = super::in_place::expand_fire_in_place(m);

    let conversions = m.states.iter().map(|s| {
        let (ident, ty, stored) = (&s.ident, &s.ty, &s.stored);
        quote! {
            impl ::core::convert::From<#name<#ty>> for #any {
                fn from(machine: #name<#ty>) -> Self {
                    #any::#ident(machine)
                }
            }

            impl ::core::convert::TryFrom<#any> for #name<#ty> {
                type Error = #core::WrongState<#any>;
                fn try_from(any: #any) -> ::core::result::Result<Self, Self::Error> {
                    #[allow(unreachable_patterns)]
                    match any {
                        #any::#ident(machine) => ::core::result::Result::Ok(machine),
                        other => ::core::result::Result::Err(other.__sf_wrong_state(#stored)),
                    }
                }
            }
        }
    });

    quote! {
        #[doc = #doc]
        #(#attrs)*
        #vis enum #any {
            #(
                #[doc = #variant_docs]
                #idents(#name<#tys>),
            )*
        }

        impl #any {
            /// The checked description of this machine, built once.
            #vis fn definition() -> &'static #core::Definition {
                #definition
            }

            /// The refusal of a conversion to the typed machine in state `expected`.
            fn __sf_wrong_state(self, expected: &'static str) -> #core::WrongState<Self> {
                let found = self.state().as_str();
                #core::WrongState::new(self, #machine_name, expected, found)
            }

            #no_transition

            /// The current state's name.
            #vis fn state(&self) -> #state_enum {
                match self {
                    #(#any::#idents(_) => #state_enum::#idents,)*
                }
            }

            /// Whether the current state is final.
            #vis fn is_final(&self) -> bool {
                self.state().is_final()
            }

            #[doc = #restore_doc]
            #vis fn #restore_ident<S>(#ctx_param state: S) -> Self
            #restore_bound
            {
                S::restore_any(#ctx_arg, state)
            }

            #[doc = #allowed_doc]
            #vis fn allowed_events(&self) -> &'static [&'static str] {
                match self {
                    #(#allowed,)*
                }
            }

            #[doc = #next_doc]
            #vis fn next_states(&self) -> &'static [#state_enum] {
                match self {
                    #(#next,)*
                }
            }

            #[doc = #can_transition_doc]
            #vis fn can_transition_to(&self, state: #state_enum) -> bool {
                self.next_states().contains(&state)
            }

            /// Whether `event` would be accepted now, its guard consulted.
            #[inline]
            #vis fn can_fire(&self, event: &#event_enum) -> bool {
                #[allow(unreachable_patterns)]
                match (self, event) {
                    #(#can_fire,)*
                    _ => false,
                }
            }

            /// Fires `event`. A refusal (no transition, or a guard saying no)
            /// hands back the machine and the event, unchanged.
            ///
            /// # Errors
            ///
            /// A `NotAllowed` naming the state, the event and, for a guard,
            /// the guard.
            #[inline]
            #vis fn fire(self, event: #event_enum)
                -> ::core::result::Result<#any, #core::NotAllowed<#any, #event_enum>>
            {
                // Local, so that the many arms below spell them short.
                use ::core::result::Result::{Err, Ok};
                #[allow(unreachable_patterns)]
                match event {
                    #(#fire,)*
                }
            }

            #fire_in_place

            /// The context.
            #vis fn context(&self) -> &#context {
                match self {
                    #(#any::#idents(m) => m.context(),)*
                }
            }

            /// The context, to change; the state stays as it is.
            #vis fn context_mut(&mut self) -> &mut #context {
                match self {
                    #(#any::#idents(m) => m.context_mut(),)*
                }
            }
        }

        impl #core::Machine for #any {
            type Context = #context;
            type Event = #event_enum;

            fn definition() -> &'static #core::Definition {
                #any::definition()
            }

            fn state_id(&self) -> #core::StateId {
                match self {
                    #(#any::#idents(_) => #core::StateId::__from_index(#indices),)*
                }
            }

            fn context(&self) -> &#context {
                #any::context(self)
            }

            fn can_fire(&self, event: &#event_enum) -> bool {
                #any::can_fire(self, event)
            }

            fn allowed_events(&self) -> &'static [&'static str] {
                #any::allowed_events(self)
            }

            fn fire(self, event: #event_enum)
                -> ::core::result::Result<Self, #core::NotAllowed<Self, #event_enum>>
            {
                #any::fire(self, event)
            }

            fn fire_in_place(&mut self, event: #event_enum)
                -> ::core::result::Result<(), #core::NotAllowed<(), #event_enum>>
            {
                #any::fire_in_place(self, event)
            }

            #target_fn

            #migrate_fn
        }

        #(#conversions)*
    }
}

/// For event `e` out of state `source`, left by guarded `alternatives`:
/// `can_fire`'s answer (`None` when an unguarded else makes it yes), the
/// arm of `fire` mapping the outcome enum onto the any-enum, and the arm
/// of `target` asking the guards in turn.
fn alternative_arms(
    m: &Model,
    e: &crate::model::Event,
    source: usize,
    alternatives: &[&crate::model::Transition],
    pattern: &TokenStream,
) -> (Option<TokenStream>, TokenStream, TokenStream) {
    use super::alternatives::{check_ident, guard_names, outcome_enum, targets};
    let (any, krate) = (&m.any, &m.krate);
    let core = quote!(#krate::__private::core);
    let method = &e.ident;
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let source_ident = &m.states[source].ident;
    let outcome = outcome_enum(m, e, source);
    let has_else = alternatives.last().is_some_and(|t| t.guard.is_none());
    let asks: Vec<TokenStream> = alternatives
        .iter()
        .enumerate()
        .filter(|(_, t)| t.guard.is_some())
        .map(|(k, _)| {
            let check = check_ident(e, k);
            quote!(__sf_m.#check(#(#args),*))
        })
        .collect();
    let can_fire = (!has_else).then(|| quote!(#(#asks)||*));
    let mapped = targets(alternatives).into_iter().map(|ti| {
        let ident = &m.states[ti].ident;
        if has_else {
            quote!(#outcome::#ident(__sf_next) => Ok(#any::#ident(__sf_next)))
        } else {
            quote!(Ok(#outcome::#ident(__sf_next)) => Ok(#any::#ident(__sf_next)))
        }
    });
    let refused = (!has_else).then(|| {
        let (state_name, event_name) = (&m.states[source].stored, method.to_string());
        let guards = guard_names(alternatives);
        quote! {
            Err(__sf_rejected) => {
                let (#(#args,)*) = __sf_rejected.args;
                Err(#core::NotAllowed::new(
                    #any::#source_ident(__sf_rejected.machine),
                    #pattern,
                    #state_name,
                    #event_name,
                    #core::Refusal::Guards(&[#(#guards),*]),
                ))
            }
        }
    });
    let fire = quote! {
        #any::#source_ident(__sf_m) => match __sf_m.#method(#(#args),*) {
            #(#mapped,)*
            #refused
        }
    };
    // The first alternative whose guard says yes; the else, or failing
    // that the first alternative, whose refusal `fire` then reports.
    let id = |t: &crate::model::Transition| {
        let index = u32::try_from(t.target).unwrap_or(u32::MAX);
        quote!(#core::StateId::__from_index(#index))
    };
    let mut choice = match alternatives.last() {
        Some(last) if has_else => id(last),
        _ => id(alternatives[0]),
    };
    for (k, t) in alternatives.iter().enumerate().rev() {
        if t.guard.is_some() {
            let check = check_ident(e, k);
            let here = id(t);
            choice = quote!(if __sf_m.#check(#(#args),*) { #here } else { #choice });
        }
    }
    let target = quote! {
        (#any::#source_ident(__sf_m), #pattern) => ::core::option::Option::Some(#choice)
    };
    (can_fire, fire, target)
}

/// The rustdoc of the any-enum's methods that a user reads first, with
/// examples in the machine's own names. The examples are not run: they
/// would be doctests of the user's crate, whose paths and context the
/// macro does not know (the typed tests run the same calls).
struct AnyDocs {
    restore: String,
    allowed_events: String,
    next_states: String,
    can_transition_to: String,
}

impl AnyDocs {
    fn new(m: &Model) -> AnyDocs {
        let (name, any, state_enum) = (&m.name, &m.any, &m.state_enum);
        // An example state: one with data if there is one, to show it.
        let example = m
            .states
            .iter()
            .find(|s| !s.fields.is_empty())
            .unwrap_or(&m.states[m.initial]);
        let ident = &example.ident;
        let value = state_value(example);
        let (ctx_arg, ctx_doc) = if m.context.is_some() {
            ("context, ", "`context` and ")
        } else {
            ("", "")
        };
        let restore = format!(
            "Rebuilds a machine in the state of `state`, from {ctx_doc}that state's \
             data (read from storage, say); no guard and no action runs.\n\n\
             The state's type says which state: `S` is one of the state types \
             (`{ident}`, ...), so a wrong pairing does not compile. This is \
             `{any}::from({name}::<S>::restore(..))` in one call; a state known only \
             at run time, as a name, goes through the JSON impls instead.\n\n\
             ```ignore\n\
             let any = {any}::restore({ctx_arg}{value});\n\
             assert_eq!(any.state(), {state_enum}::{ident});\n\
             ```"
        );
        let initial = &m.states[m.initial];
        let first_events: Vec<String> = m
            .events
            .iter()
            .filter(|e| e.transitions.iter().any(|t| t.source == m.initial))
            .map(|e| format!("{:?}", e.ident.to_string()))
            .collect();
        let mut new_args = Vec::new();
        if m.context.is_some() {
            new_args.push("context".to_owned());
        }
        if !initial.fields.is_empty() {
            new_args.push(state_value(initial));
        }
        let new_call = format!("{name}::new({})", new_args.join(", "));
        let allowed_events = format!(
            "The names of the events declared out of the current state, in declaration \
             order (guards not consulted: see [`Self::can_fire`]). The same list as \
             `Machine::allowed_events`.\n\n\
             ```ignore\n\
             let any = {any}::from({new_call});\n\
             assert_eq!(any.allowed_events(), [{}]);\n\
             ```",
            first_events.join(", ")
        );
        let next: Vec<String> = m
            .states
            .iter()
            .enumerate()
            .filter(|(ti, _)| {
                m.events
                    .iter()
                    .flat_map(|e| &e.transitions)
                    .any(|t| t.source == m.initial && t.target == *ti)
            })
            .map(|(_, s)| format!("{state_enum}::{}", s.ident))
            .collect();
        let next_states = format!(
            "The states one event leads to from the current state, each once, in \
             declaration order (guards not consulted); the current state itself when an \
             event leads back to it.\n\n\
             ```ignore\n\
             let any = {any}::from({new_call});\n\
             assert_eq!(any.next_states(), [{}]);\n\
             ```",
            next.join(", ")
        );
        let target = next
            .first()
            .cloned()
            .unwrap_or_else(|| format!("{state_enum}::{}", initial.ident));
        let can_transition_to = format!(
            "Whether one event leads from the current state to `state`: \
             [`Self::next_states`] contains it.\n\n\
             ```ignore\n\
             let any = {any}::from({new_call});\n\
             assert_eq!(any.can_transition_to({target}), {});\n\
             ```",
            !next.is_empty()
        );
        AnyDocs {
            restore,
            allowed_events,
            next_states,
            can_transition_to,
        }
    }
}

/// A state's value as an example writes it: `Pending`, `Assigned { agent: todo!() }`.
fn state_value(state: &crate::model::State) -> String {
    if state.fields.is_empty() {
        // A parallel state's configuration is its struct of regions.
        return state.unit_value.as_ref().map_or_else(
            || "todo!()".to_owned(),
            |v| v.to_string().replace(" ,", ","),
        );
    }
    let fields: Vec<String> = state
        .fields
        .iter()
        .map(|f| format!("{}: todo!()", f.name))
        .collect();
    format!("{} {{ {} }}", state.ident, fields.join(", "))
}

/// `Machine::migrate_data` for a machine whose declaration names data
/// migrations (with the `serde` feature): a call of each function, its
/// argument read from the old data, its result the data of the state
/// migrated to. The function's path keeps the user's span, so that rustc
/// reports a function of the wrong type at it.
fn migrate_data_fn(m: &Model) -> TokenStream {
    if !cfg!(feature = "serde") || m.data_migrations.is_empty() {
        return TokenStream::new();
    }
    let krate = &m.krate;
    let json = quote!(#krate::__private::serde_json);
    let arms = m.data_migrations.iter().map(|d| {
        let from = &d.from;
        let target = &m.states[d.target].ty;
        let with = &d.with;
        // At the user's path: a bound the function's argument misses is
        // reported there, not over the whole macro.
        let span = syn::spanned::Spanned::span(with).resolved_at(proc_macro2::Span::call_site());
        // The call begins with a name at that span too: an expression's
        // span runs from its first token, and `$crate`'s is the macro's.
        let call = quote_spanned! {span=>
            {
                use #krate::__private::core::__migrate_state_data as __sf_migrate;
                __sf_migrate::<_, #target>(#with, stored)
            }
        };
        quote! {
            #from => ::core::option::Option::Some(#call)
        }
    });
    quote! {
        fn migrate_data(
            from: &str,
            stored: #json::Value,
        ) -> ::core::option::Option<::core::result::Result<#json::Value, #json::Error>> {
            match from {
                #(#arms,)*
                _ => ::core::option::Option::None,
            }
        }
    }
}
