//! Methods that exist only to be refused, with a message worth reading.
//!
//! Without them, `task.complete()` on a `Task<Pending>` gets rustc's
//! E0599 "no method named `complete` found", which names the states where
//! `complete` exists but not what `Pending` accepts. With them, each event
//! that does not leave a state still has a hidden method on that state,
//! bounded by a marker trait that nothing implements; the trait's
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
//! through the method of `Never`, every marker trait's supertrait, so
//! nothing panics; the method returns the event's first target, so code
//! after the mistake still type-checks as the user meant it and the
//! mistake gives one error. The refused methods of a state share one impl
//! block, and its lint attributes.
//!
//! One trait per (event, state) pair adds items, but the message names
//! both the state's events and the event's sources, and
//! `on_unimplemented` has only literal text and type names to say it
//! with: one trait generic over the event would lose one of the two
//! notes. Machines with more than [`MAX_PAIRS`] pairs keep rustc's plain
//! E0599 instead.

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

fn trait_name(event: &syn::Ident, state: &syn::Ident) -> syn::Ident {
    format_ident!(
        "cannot_fire_{}_in_{}",
        event,
        crate::case::snake(&state.to_string())
    )
}

fn leaves(m: &Model, event: usize, state: usize) -> bool {
    m.events[event]
        .transitions
        .iter()
        .any(|t| t.source == state)
}

/// The hidden module of marker traits, one per refused (event, state).
pub(super) fn refusal_module(m: &Model) -> TokenStream {
    if !enabled(m) {
        return TokenStream::new();
    }
    let (vis, name) = (&m.vis, &m.name);
    let module = module(m);
    let mut traits = Vec::new();
    for (si, s) in m.states.iter().enumerate() {
        let allowed: Vec<String> = m
            .events
            .iter()
            .enumerate()
            .filter(|(ei, _)| leaves(m, *ei, si))
            .map(|(_, e)| format!("`{}`", e.ident))
            .collect();
        let here = if allowed.is_empty() {
            format!("`{}` is final: no event leaves it", s.ident)
        } else {
            format!("from `{}`, the events are: {}", s.ident, allowed.join(", "))
        };
        for (ei, e) in m.events.iter().enumerate() {
            if leaves(m, ei, si) {
                continue;
            }
            let sources: Vec<String> = e
                .transitions
                .iter()
                .map(|t| format!("`{}`", m.states[t.source].ident))
                .collect();
            let message = format!("event `{}` cannot fire in state `{}`", e.ident, s.ident);
            let label = format!("`{name}<{}>` has no transition `{}`", s.ident, e.ident);
            let elsewhere = format!("`{}` fires from: {}", e.ident, sources.join(", "));
            let trait_ident = trait_name(&e.ident, &s.ident);
            // Spanned at the state's declaration: rustc's "the trait is
            // not implemented for `Pending`" then points there.
            let span = s.ident.span().resolved_at(proc_macro2::Span::call_site());
            traits.push(quote_spanned! {span=>
                #[diagnostic::on_unimplemented(
                    message = #message,
                    label = #label,
                    note = #here,
                    note = #elsewhere,
                )]
                pub trait #trait_ident: Never {}
            });
        }
    }
    let doc =
        format!("Compile-time refusals of [`{name}`]'s events; nothing here is meant to be used.");
    quote! {
        #[doc = #doc]
        #[doc(hidden)]
        #[allow(non_camel_case_types)]
        #vis mod #module {
            /// What a refused method's body calls: the traits below have
            /// it as their supertrait, and nothing implements them.
            pub trait Never {
                /// Never called.
                fn never(&self) -> !;
            }
            #(#traits)*
        }
    }
}

/// The impl block of state `si`'s refused methods, if it has any.
pub(super) fn refused_methods(m: &Model, si: usize) -> TokenStream {
    if !enabled(m) {
        return TokenStream::new();
    }
    let (vis, module, name) = (&m.vis, module(m), &m.name);
    let state = &m.states[si].ident;
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
            let target = e.transitions.first().map(|t| &m.states[t.target].ident);
            let args = e.args.iter().map(|a| &a.name);
            let types = e.args.iter().map(|a| &a.ty);
            let trait_ident = trait_name(event, state);
            // Spanned at the event's declaration: "required by this bound".
            let span = event.span().resolved_at(proc_macro2::Span::call_site());
            quote_spanned! {span=>
                #[doc(hidden)]
                #vis fn #event(self, #(#args: #types),*) -> #name<#target>
                where
                    for<'__sf> #state: #module::#trait_ident,
                {
                    #module::Never::never(&self.state)
                }
            }
        })
        .collect();
    if methods.is_empty() {
        return TokenStream::new();
    }
    quote! {
        #[allow(unused_variables, clippy::unused_self, clippy::too_many_arguments)]
        impl #name<#state> {
            #(#methods)*
        }
    }
}
