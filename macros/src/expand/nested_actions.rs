//! Entry and exit actions of a machine with compound or parallel states:
//! a hidden method per typed state and declared state's action its
//! transitions run, and each transition's calls of them in core's order.
//! A flat machine has none: its actions are its states'
//! (`typed::state_hooks`).

use proc_macro2::{Span, TokenStream};
use quote::{quote, quote_spanned};
use syn::spanned::Spanned;

use crate::model::{Model, NestedActionCall, State};

/// The hidden methods of typed state `s` running declared states'
/// actions with the context and their data, as a flat machine's state
/// actions are run (`typed::state_hooks`): shared by every transition
/// and by `fire_in_place`, so that a wrong signature is reported once per
/// typed state, on the action's path.
pub(super) fn methods(m: &Model, s: &State) -> TokenStream {
    s.nested_actions
        .iter()
        .map(|a| {
            let (method, path, data) = (&a.method, &a.path, &a.data);
            // The user's location, so a wrong signature is reported on the
            // path; our resolution, so `self` is the method's own.
            let span = path.span().resolved_at(Span::call_site());
            let context = m
                .context
                .as_ref()
                .map(|_| quote_spanned!(span=> &mut self.context,));
            let call = quote_spanned!(span=> #path(#context &self.state #(.#data)*););
            quote! {
                #[inline]
                fn #method(&mut self) {
                    #call
                }
            }
        })
        .collect()
}

/// The statements running `calls` on `machine`, a typed machine in the
/// state left (exit actions) or entered (entry actions).
pub(super) fn calls(calls: &[NestedActionCall], machine: &TokenStream) -> TokenStream {
    calls
        .iter()
        .map(|c| {
            let method = &c.method;
            quote!(#machine.#method();)
        })
        .collect()
}
