//! Methods that exist only to be refused, with a message worth reading.
//!
//! Without them, `task.complete()` on a `Task<Pending>` gets rustc's
//! E0599 "no method named `complete` found", which names the states where
//! `complete` exists but not what `Pending` accepts. With them, each event
//! that does not leave a state still has a hidden method on that state,
//! bounded by a marker trait that no state implements; the trait's
//! `#[diagnostic::on_unimplemented]` then says:
//!
//! ```text
//! error[E0277]: event `complete` cannot fire in state `Pending`
//!    = note: from `Pending`, the events are: `assign`
//!    = note: `complete` fires from: `InProgress`
//! ```
//!
//! The bound is written `for<'__sf> Pending: Trait`: higher-ranked, rustc
//! checks it at the call, not at the definition. The body diverges
//! through the method of `never`, every marker trait's supertrait, so
//! nothing panics; the method returns the event's first target, so code
//! after the mistake still type-checks as the user meant it and the
//! mistake gives one error. The refused methods of a state share one impl
//! block, and its lint attributes.
//!
//! What follows the message is rustc's, and is kept short: the trait is
//! named as a fact about the state (`PendingCanFireComplete`, unique so
//! that rustc prints it without its module), it has an impl behind
//! `#[diagnostic::do_not_recommend]` so that rustc does not suggest adding
//! one, and every token of the bound is the event's own, so that "required
//! by this bound" shows the event's declaration, not the whole macro.
//!
//! One trait per (event, state) pair adds items, but the message names
//! both the state's events and the event's sources, and
//! `on_unimplemented` has only literal text and type names to say it
//! with: one trait generic over the event would lose one of the two
//! notes. Machines with more than [`MAX_PAIRS`] pairs keep rustc's plain
//! E0599 instead.
//!
//! `new` is refused the same way in every state but the initial one, by a
//! trait per machine (see [`starts_in_trait`]).

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};

use crate::model::Model;

/// Beyond this many (state, event) pairs the refusal methods are not
/// generated: compile time matters more there than the message.
pub(super) const MAX_PAIRS: usize = 1024;

fn enabled(m: &Model) -> bool {
    m.states.len() * m.events.len() <= MAX_PAIRS
}

fn module(m: &Model) -> syn::Ident {
    format_ident!("__sf_{}", m.definition.spec().name)
}

fn trait_name(state: &syn::Ident, variant: &syn::Ident) -> syn::Ident {
    format_ident!("{}CanFire{}", state, variant)
}

fn leaves(m: &Model, event: usize, state: usize) -> bool {
    m.events[event]
        .transitions
        .iter()
        .any(|t| t.source == state)
}

/// The hidden module of marker traits, one per refused (event, state).
pub(super) fn refusal_module(m: &Model) -> TokenStream {
    let (vis, name) = (&m.vis, &m.name);
    let module = module(m);
    let (starts_in, starts_in_impl) = starts_in_trait(m);
    let (state_of, state_of_impls) = state_of_trait(m);
    let mut state_modules = Vec::new();
    for (si, s) in m.states.iter().enumerate() {
        if !enabled(m) {
            break;
        }
        let mut traits = Vec::new();
        let allowed: Vec<String> = m
            .events
            .iter()
            .enumerate()
            .filter(|(ei, _)| leaves(m, *ei, si))
            .map(|(_, e)| format!("`{}`", e.ident))
            .collect();
        let shown = s.type_text();
        let here = if allowed.is_empty() {
            format!("`{shown}` is final: no event leaves it")
        } else {
            format!("from `{shown}`, the events are: {}", allowed.join(", "))
        };
        for (ei, e) in m.events.iter().enumerate() {
            if leaves(m, ei, si) {
                continue;
            }
            // Each source once, though guarded alternatives leave it more.
            let sources: Vec<String> = e
                .by_source()
                .iter()
                .map(|(source, _)| format!("`{}`", m.states[*source].type_text()))
                .collect();
            let message = format!("event `{}` cannot fire in state `{shown}`", e.ident);
            let label = format!("`{name}<{shown}>` has no transition `{}`", e.ident);
            let elsewhere = format!("`{}` fires from: {}", e.ident, sources.join(", "));
            let trait_ident = trait_name(&s.ident, &e.variant);
            // Spanned at the state's declaration: rustc's "the trait is
            // not implemented for `Pending`" then points there.
            let span = s.ident.span();
            traits.push(quote_spanned! {span=>
                #[diagnostic::on_unimplemented(
                    message = #message,
                    label = #label,
                    note = #here,
                    note = #elsewhere,
                )]
                pub trait #trait_ident: never {}
                // An impl nothing meets, so that rustc does not add "this
                // trait has no implementations, consider adding one".
                #[diagnostic::do_not_recommend]
                impl<T: never> #trait_ident for T {}
            });
        }
        if !traits.is_empty() {
            let ident = &s.ident;
            state_modules.push(quote! {
                pub mod #ident {
                    use super::super::never;
                    #(#traits)*
                }
            });
        }
    }
    let doc =
        format!("Compile-time refusals of [`{name}`]'s events; nothing here is meant to be used.");
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        // Spanned at the user's tokens, its traits are linted as the user's
        // code: those of a private machine are used by nothing that is.
        #[allow(non_camel_case_types, non_snake_case, dead_code, unreachable_pub)]
        #vis mod #module {
            /// What a refused method's body calls: the traits of `refused`
            /// have it as their supertrait, and nothing implements it.
            // Lowercase, as no state is: a state's name would clash.
            pub trait never {
                /// Never called.
                fn never(&self) -> !;
            }
            #starts_in
            #state_of
            /// One module per state, named as the state, holding one
            /// trait per event the state refuses.
            pub mod refused {
                #(#state_modules)*
            }
        }
        #starts_in_impl
        #state_of_impls
    }
}

/// The name of the trait that only the initial state's machine has.
pub(super) fn starts_in_name(m: &Model) -> syn::Ident {
    format_ident!("{}StartsIn", m.name)
}

/// The path of that trait, for `new`'s bound, every token at `span`.
pub(super) fn starts_in_path(m: &Model, span: proc_macro2::Span) -> TokenStream {
    let module = syn::Ident::new(&module(m).to_string(), span);
    let name = syn::Ident::new(&starts_in_name(m).to_string(), span);
    quote_spanned!(span=> #module::#name)
}

/// The trait bounding `new`, implemented by the state enum for the initial
/// state only, and its one impl (outside the module: a machine declared in
/// a function body has states that the module cannot name).
///
/// `new` is one generic function rather than one per state: a second
/// inherent `new` would make `Task::new()` ambiguous. rustc infers `S`
/// from the trait's single impl, and for any other state the trait's
/// `on_unimplemented` explains, where rustc alone would suggest a method
/// with a similar name.
fn starts_in_trait(m: &Model) -> (TokenStream, TokenStream) {
    let (name, state_enum) = (&m.name, &m.state_enum);
    let initial = &m.states[m.initial];
    let initial_ident = &initial.ident;
    let trait_ident = syn::Ident::new(&starts_in_name(m).to_string(), initial_ident.span());
    let restore_args = if m.context.is_some() {
        "context, state"
    } else {
        "state"
    };
    let message =
        format!("`new` starts a `{name}` in its initial state `{initial_ident}`, not in `{{S}}`");
    let label = format!("`{name}::new` builds a `{name}<{initial_ident}>`");
    let fire = format!("a `{name}<{{S}}>` is reached by firing events from `{name}::new(..)`");
    let restore = format!(
        "to rebuild a `{name}<{{S}}>` from storage, use `{name}::<{{S}}>::restore({restore_args})`"
    );
    let (initial_ty, unit_value) = (&initial.ty, &initial.unit_value);
    let unit = unit_value.is_some();
    let method = unit.then(|| {
        quote! {
            /// The initial state, which has no data.
            fn initial() -> S;
        }
    });
    let method_impl = unit.then(|| {
        quote! {
            fn initial() -> #initial_ty {
                #unit_value
            }
        }
    });
    // At the initial state's declaration: rustc's "the trait is not
    // implemented" then shows where the machine starts.
    let declaration = quote_spanned! {initial_ident.span()=>
        #[doc = "Implemented for the initial state only: what `new` requires."]
        #[diagnostic::on_unimplemented(
            message = #message,
            label = #label,
            note = #fire,
            note = #restore,
        )]
        pub trait #trait_ident<S> {
            #method
        }
    };
    // At the initial state too: rustc shows this impl as the one that exists.
    let span = initial_ident.span();
    let path = starts_in_path(m, span);
    let implementation = quote_spanned! {span=>
        impl #path<#initial_ty> for #state_enum {
            #method_impl
        }
    };
    (declaration, implementation)
}

/// The name of the trait every state type has, which bounds the any-enum's
/// `restore`.
fn state_of_name(m: &Model) -> syn::Ident {
    format_ident!("StateOf{}", m.name)
}

/// The path of that trait, for `restore`'s bound, at the machine's name
/// (where rustc's "required by this bound" then points).
pub(super) fn state_of_path(m: &Model) -> TokenStream {
    let span = m.name.span();
    let module = syn::Ident::new(&module(m).to_string(), span);
    let name = syn::Ident::new(&state_of_name(m).to_string(), span);
    quote_spanned!(span=> #module::#name)
}

/// The trait of the state types, which `AnyTask::restore` takes, with
/// its impls. Its `on_unimplemented` names the states, where a bound on
/// `AnyTask: From<Task<S>>` listed the five `From` impls and drew the macro.
/// The machine and context are associated types: the module cannot name
/// them (a machine declared in a function body).
fn state_of_trait(m: &Model) -> (TokenStream, TokenStream) {
    let (name, any) = (&m.name, &m.any);
    let context = super::context_type(m);
    let trait_ident = syn::Ident::new(&state_of_name(m).to_string(), name.span());
    let path = state_of_path(m);
    let states: Vec<String> = m
        .states
        .iter()
        .map(|s| format!("`{}`", s.type_text()))
        .collect();
    let message = format!("`{{Self}}` is not a state of `{name}`");
    let label = format!("not a state of `{name}`");
    let note = format!(
        "`{any}::restore` takes the data of one of `{name}`'s states: {}",
        states.join(", ")
    );
    let declaration = quote_spanned! {name.span()=>
        #[doc = "The state types: what the any-enum's `restore` takes."]
        #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
        pub trait #trait_ident: ::core::marker::Sized {
            /// The any-enum.
            type Machine;
            /// The machine's context.
            type Context;
            /// The any-enum in this state.
            fn restore_any(context: Self::Context, state: Self) -> Self::Machine;
        }
    };
    let impls = m.states.iter().map(|s| {
        let (ident, ty) = (&s.ident, &s.ty);
        quote_spanned! {ident.span()=>
            // The note names the states: rustc's list of them would repeat it.
            #[diagnostic::do_not_recommend]
            impl #path for #ty {
                type Machine = #any;
                type Context = #context;
                fn restore_any(context: #context, state: #ty) -> #any {
                    #any::#ident(#name { context, state })
                }
            }
        }
    });
    (declaration, quote!(#(#impls)*))
}

/// The impl block of state `si`'s refused methods, if it has any.
pub(super) fn refused_methods(m: &Model, si: usize) -> TokenStream {
    if !enabled(m) {
        return TokenStream::new();
    }
    let (vis, module, name) = (&m.vis, module(m), &m.name);
    let (state, state_ty) = (&m.states[si].ident, &m.states[si].ty);
    let methods: Vec<TokenStream> = m
        .events
        .iter()
        .enumerate()
        .filter(|(ei, _)| !leaves(m, *ei, si))
        .map(|(_, e)| {
            let event = &e.ident;
            let name = &m.name;
            // The event's first target: a chain like `t.complete().x()` then
            // goes on as the user meant it, with no second error from the
            // same mistake.
            let target = e.transitions.first().map(|t| &m.states[t.target].ty);
            let args = e.args.iter().map(|a| &a.name);
            let types = e.args.iter().map(|a| &a.ty);
            // Every token of the bound at the event's declaration, where
            // rustc's "required by this bound" then points: a token of the
            // macro's own would make it show the whole declaration.
            let at = event.span();
            let respan = |ident: &syn::Ident| syn::Ident::new(&ident.to_string(), at);
            let (bound_state, bound_module) = (respan(state), respan(&module));
            let trait_ident = respan(&trait_name(state, &e.variant));
            // A leaf's type is its name, at the event too; a parallel
            // state's configuration is a type of several tokens.
            let bound_ty = if *state == m.states[si].ty.to_string() {
                quote!(#bound_state)
            } else {
                respan_tokens(state_ty, at)
            };
            let bound = quote_spanned! {at=>
                for<'__sf> #bound_ty: #bound_module::refused::#bound_state::#trait_ident
            };
            // `self` must resolve as the method's own.
            let span = at.resolved_at(proc_macro2::Span::call_site());
            quote_spanned! {span=>
                #[doc(hidden)]
                #vis fn #event(self, #(#args: #types),*) -> #name<#target>
                where
                    #bound,
                {
                    #module::never::never(&self.state)
                }
            }
        })
        .collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
        impl #name<#state_ty> {
            #(#methods)*
        }
    }
}

/// `tokens` with every token at `span`, groups included.
fn respan_tokens(tokens: &TokenStream, span: proc_macro2::Span) -> TokenStream {
    tokens
        .clone()
        .into_iter()
        .map(|mut tt| {
            if let proc_macro2::TokenTree::Group(g) = &tt {
                let mut group =
                    proc_macro2::Group::new(g.delimiter(), respan_tokens(&g.stream(), span));
                group.set_span(span);
                tt = proc_macro2::TokenTree::Group(group);
            } else {
                tt.set_span(span);
            }
            tt
        })
        .collect()
}
