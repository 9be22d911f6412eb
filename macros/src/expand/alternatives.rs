//! Guarded alternatives: one event leaving one state by several arms,
//! tried in declaration order. Their typed method returns an enum of the
//! states it may lead to, `{Machine}{Event}From{Source}` (`Order`'s
//! `decide` out of `Submitted`: `OrderDecideFromSubmitted`), one variant
//! per target state, named as the state and holding the machine in it:
//! what the first guard that said yes (or the unguarded else) chose.
//! Without an else the method returns a `Result`, whose `Rejected` names
//! every guard tried.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::Ident;

use super::typed::{
    action_ident, action_method, guard_check, has_docs, path_text, transition_body,
};
use crate::model::{Event, Model, Transition};

/// The enum of what event `e` out of state `source` may lead to.
pub(super) fn outcome_enum(m: &Model, e: &Event, source: usize) -> Ident {
    format_ident!(
        "{}{}From{}",
        m.name,
        e.variant,
        m.states[source].ident,
        span = e.ident.span()
    )
}

/// The target states of `alternatives`, each once, in the order first met.
pub(super) fn targets(alternatives: &[&Transition]) -> Vec<usize> {
    let mut targets = Vec::new();
    for t in alternatives {
        if !targets.contains(&t.target) {
            targets.push(t.target);
        }
    }
    targets
}

/// The hidden guard check of the `k`-th alternative of `e`: never the
/// name of a single arm's check (`__sf_guard_{event}`), whatever the
/// event is called.
pub(super) fn check_ident(e: &Event, k: usize) -> Ident {
    format_ident!("__sf_guard{}_{}", k, e.ident)
}

/// The guards of `alternatives`, by name, in the order tried.
pub(super) fn guard_names(alternatives: &[&Transition]) -> Vec<String> {
    alternatives
        .iter()
        .filter_map(|t| t.guard.as_ref().map(path_text))
        .collect()
}

/// The outcome enum, the hidden guard checks and the method of event `e`
/// out of state `source`, which guarded `alternatives` leave.
pub(super) fn expand_alternatives(
    m: &Model,
    e: &Event,
    source: usize,
    alternatives: &[&Transition],
) -> TokenStream {
    let (vis, name, krate) = (&m.vis, &m.name, &m.krate);
    let event = &e.ident;
    let source_state = &m.states[source];
    let outcome = outcome_enum(m, e, source);
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let types: Vec<_> = e.args.iter().map(|a| &a.ty).collect();
    let has_else = alternatives.last().is_some_and(|t| t.guard.is_none());

    let mut checks = Vec::new();
    let mut tries = Vec::new();
    let mut lines = Vec::new();
    for (k, t) in alternatives.iter().enumerate() {
        let target = &m.states[t.target];
        let variant = &target.ident;
        let action_ident = action_ident(e, Some(k));
        if let Some(action) = &t.action {
            checks.push(action_method(m, e, action, &action_ident));
        }
        let body = transition_body(m, e, t, &action_ident);
        let taken = quote!(#outcome::#variant({ #body }));
        let taken = if has_else {
            taken
        } else {
            quote!(::core::result::Result::Ok(#taken))
        };
        let action = super::typed::running(source_state, t, target);
        match &t.guard {
            Some(guard) => {
                let check = check_ident(e, k);
                checks.push(guard_check(m, e, guard, &check));
                tries.push(quote! {
                    if self.#check(#(&#args),*) {
                        return #taken;
                    }
                });
                lines.push(format!(
                    "- `{}` if `{}` allows it{action};",
                    target.stored,
                    path_text(guard)
                ));
            }
            None => {
                tries.push(quote!(#taken));
                lines.push(format!("- else `{}`{action}.", target.stored));
            }
        }
    }
    let guards = guard_names(alternatives);
    let (state_name, event_name) = (&source_state.stored, event.to_string());
    let source_ty = &source_state.ty;
    let refusal = (!has_else).then(|| {
        quote! {
            ::core::result::Result::Err(
                #krate::__private::core::Rejected::new(
                    self,
                    (#(#args,)*),
                    #state_name,
                    #event_name,
                    "",
                )
                .with_tried(&[#(#guards),*]),
            )
        }
    });
    let returns = if has_else {
        quote!(#outcome)
    } else {
        quote! {
            ::core::result::Result<
                #outcome,
                #krate::__private::core::Rejected<#name<#source_ty>, (#(#types,)*)>,
            >
        }
    };
    let event_docs = &e.attrs;
    let sep = if has_docs(event_docs) { "\n\n" } else { "" };
    let doc = format!(
        "{sep}Fires `{event}` out of `{state_name}`, to the first of these that applies, \
         tried in order:\n\n{}\n\nThe outcome is a [`{outcome}`].",
        lines.join("\n")
    );
    let errors = (!has_else).then(|| {
        let list: Vec<String> = guards.iter().map(|g| format!("`{g}`")).collect();
        let text = format!(
            "\n\n# Errors\n\nWhen every guard ({}) says no, the machine and the arguments \
             come back unchanged in a `Rejected`.",
            list.join(", ")
        );
        quote!(#[doc = #text])
    });
    let mut_self = (alternatives.iter().any(|t| t.action.is_some())
        || m.states[source].exit.is_some()
        || alternatives.iter().any(|t| !t.exits.is_empty()))
    .then(|| quote!(mut));
    // As for one arm (`typed::expand_transition`): the method and its
    // receiver at the event's declaration, resolved as the macro's own.
    let at = e.ident.span().resolved_at(Span::call_site());
    let receiver = quote_spanned!(at=> self);
    let method = quote_spanned! {at=>
        #(#event_docs)*
        #[doc = #doc]
        #errors
        #[inline]
        #vis fn #event(#mut_self #receiver, #(#args: #types),*) -> #returns {
            #(#tries)*
            #refusal
        }
    };
    quote! {
        #(#checks)*
        #method
    }
}

/// The outcome enum of every (event, source) pair left by guarded
/// alternatives: items of the machine's module, beside its states.
pub(super) fn outcome_enums(m: &Model) -> TokenStream {
    let (vis, name, attrs) = (&m.vis, &m.name, &m.attrs);
    m.events
        .iter()
        .flat_map(|e| {
            e.by_source()
                .into_iter()
                .filter(|(_, alternatives)| alternatives.len() > 1)
                .map(move |(source, alternatives)| {
                    let event = &e.ident;
                    let outcome = outcome_enum(m, e, source);
                    let variants = targets(&alternatives).into_iter().map(|ti| {
                        let target = &m.states[ti];
                        let (ident, ty) = (&target.ident, &target.ty);
                        let doc = format!("`{event}` led to `{}`.", target.stored);
                        quote!(#[doc = #doc] #ident(#name<#ty>))
                    });
                    let doc = format!(
                        "Where `{event}` led a [`{name}`] out of `{}`: its arms from there \
                         are guarded alternatives, tried in declaration order, and the first \
                         whose guard says yes (or the last, unguarded, one) is taken.",
                        m.states[source].stored
                    );
                    quote! {
                        #[doc = #doc]
                        #(#attrs)*
                        #vis enum #outcome {
                            #(#variants,)*
                        }
                    }
                })
        })
        .collect()
}
