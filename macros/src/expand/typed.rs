//! The typestate half: `Task<S>`, one inherent impl per state, one method
//! per (event, source state).
//!
//! One inherent `impl` per state is deliberate: calling an event that does
//! not leave a state makes rustc say "no method named `complete` found for
//! struct `Task<Pending>`" and list the states where it *is* found. A
//! generic method behind a trait bound would lose that list.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use super::{context_type, diagram_doc};
use crate::model::{Event, FieldSource, Model, Transition};

/// `struct Task<S>` and the impl shared by every state.
pub(super) fn expand_machine(m: &Model) -> TokenStream {
    let (vis, name, any) = (&m.vis, &m.name, &m.any);
    let (docs, attrs) = (&m.docs, &m.attrs);
    let context = context_type(m);
    let diagram = diagram_doc(m);
    let krate = &m.krate;
    let new = expand_new(m);
    // At the machine's name, resolved as the macro's own: rustc's notes
    // about the struct ("method not found for this struct") show that line.
    let at = name.span().resolved_at(Span::call_site());
    let declaration = quote_spanned! {at=>
        #vis struct #name<S> {
            context: #context,
            state: S,
        }
    };
    let sep = if has_docs(docs) { "\n\n" } else { "" };
    let summary = format!(
        "{sep}A `{name}<S>` is a machine in state `S`; only the transitions declared out of `S` \
         exist as methods. [`{any}`] holds one in whichever state it is, and \
         [`{any}::definition`] describes the machine.\n\n\
         `new` starts a machine in the initial state; each state's `restore` rebuilds one \
         that is already in that state, from storage: the one way to hold a `{name}` in \
         another state without firing events. It runs no guard and no action."
    );
    quote! {
        #(#docs)*
        #[doc = #summary]
        #[doc = #diagram]
        #(#attrs)*
        #declaration

        impl<S> #name<S> {
            #new

            /// The context, carried through every state.
            #vis fn context(&self) -> &#context {
                &self.context
            }

            /// The context, to change; the state stays as it is.
            #vis fn context_mut(&mut self) -> &mut #context {
                &mut self.context
            }

            /// The current state's data.
            #vis fn state(&self) -> &S {
                &self.state
            }

            /// The context and the state's data, taken apart.
            #vis fn into_parts(self) -> (#context, S) {
                (self.context, self.state)
            }

            /// The checked description of this machine.
            #vis fn definition() -> &'static #krate::__private::core::Definition {
                #any::definition()
            }
        }
    }
}

/// `new`, generic over the state but bounded so that only the initial
/// state has it (see `refusal::starts_in_trait`).
fn expand_new(m: &Model) -> TokenStream {
    let (vis, name, state_enum) = (&m.vis, &m.name, &m.state_enum);
    let initial = &m.states[m.initial];
    let context = context_type(m);
    // Every token of the bound at the initial state's declaration, where
    // rustc's "required by this bound" then points.
    let span = initial.ident.span();
    let bound = super::refusal::starts_in_path(m, span);
    let bound_enum = syn::Ident::new(&state_enum.to_string(), span);
    let new = syn::Ident::new("new", span);
    // The rest of the function there too, resolved as the macro's own:
    // rustc's "associated function defined here" (a wrong argument) then
    // shows one line.
    let at = span.resolved_at(Span::call_site());
    let ctx_param = m
        .context
        .is_some()
        .then(|| quote_spanned!(at=> context: #context,));
    let ctx_value = if m.context.is_some() {
        quote_spanned!(at=> context)
    } else {
        quote_spanned!(at=> context: ())
    };
    let (param, value) = if initial.unit_value.is_some() {
        (
            None,
            quote_spanned!(at=> <#bound_enum as #bound<S>>::initial()),
        )
    } else {
        (
            Some(quote_spanned!(at=> state: S)),
            quote_spanned!(at=> state),
        )
    };
    let doc = format!(
        "A new machine, in its initial state `{}` (`{name}<{}>`): `S` is inferred, \
         and no other state has `new` (a machine in another state is reached by firing \
         events, or rebuilt from storage by `restore`).",
        initial.stored, initial.ident
    );
    let where_clause = quote_spanned! {span=>
        where #bound_enum: #bound<S>
    };
    quote_spanned! {at=>
        #[doc = #doc]
        #vis fn #new(#ctx_param #param) -> Self
        #where_clause
        {
            #name { #ctx_value, state: #value }
        }
    }
}

/// One inherent impl per state: its constant, constructor or restore
/// path, and its transition methods.
pub(super) fn expand_transitions(m: &Model) -> TokenStream {
    let (vis, name, state_enum) = (&m.vis, &m.name, &m.state_enum);
    let context = context_type(m);
    let has_context = m.context.is_some();
    m.states
        .iter()
        .enumerate()
        .map(|(si, s)| {
            let (ident, ty) = (&s.ident, &s.ty);
            let stored = &s.stored;
            let restore_doc =
                format!("Rebuilds a machine in state `{stored}`, from storage; see [`{name}`].");
            // At the state's declaration, resolved as the macro's own:
            // rustc's "associated function defined here" then shows one line.
            let at = ident.span().resolved_at(Span::call_site());
            let ctx_param = has_context.then(|| quote_spanned!(at=> context: #context,));
            let ctx_value = if has_context {
                quote_spanned!(at=> context)
            } else {
                quote_spanned!(at=> context: ())
            };
            let restore = quote_spanned! {at=>
                #[doc = #restore_doc]
                #vis fn restore(#ctx_param state: #ty) -> Self {
                    #name { #ctx_value, state }
                }
            };
            let methods = m.events.iter().map(|e| match e.leaving(si).as_slice() {
                [] => TokenStream::new(),
                [t] => expand_transition(m, e, t),
                alternatives => super::alternatives::expand_alternatives(m, e, si, alternatives),
            });
            let hooks = state_hooks(m, s);
            let nested_actions = super::nested_actions::methods(m, s);
            let refusals = super::refusal::refused_methods(m, si);
            // The impl's header at the state's declaration: rustc's "the
            // method exists on the type `Task<Pending>`" then shows that line.
            let header = quote_spanned!(at=> impl #name<#ty>);
            quote! {
                #[allow(clippy::too_many_arguments)]
                #header {
                    /// The state this machine is in.
                    #vis const STATE: #state_enum = #state_enum::#ident;

                    #restore

                    /// The current state's stored name.
                    #vis fn state_name(&self) -> &'static str {
                        #stored
                    }

                    #hooks
                    #nested_actions
                    #(#methods)*
                }

                #refusals
            }
        })
        .collect()
}

/// The method for one (event, source) pair, and its hidden guard check.
fn expand_transition(m: &Model, e: &Event, t: &Transition) -> TokenStream {
    let (vis, name, krate) = (&m.vis, &m.name, &m.krate);
    let (source, target) = (&m.states[t.source], &m.states[t.target]);
    let (target_ty, event) = (&target.ty, &e.ident);
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let types: Vec<_> = e.args.iter().map(|a| &a.ty).collect();

    let event_docs = &e.attrs;

    let action_ident = action_ident(e, None);
    let body = transition_body(m, e, t, &action_ident);
    let hidden_action = t
        .action
        .as_ref()
        .map(|action| action_method(m, e, action, &action_ident));
    let mut_self =
        (t.action.is_some() || source.exit.is_some() || !t.exits.is_empty()).then(|| quote!(mut));
    // `self` at the event's declaration, resolved as the macro's own (the
    // body's `self`): rustc's "takes ownership of the receiver `self`"
    // then shows that line, not the whole macro.
    let receiver = quote_spanned!(e.ident.span().resolved_at(Span::call_site())=> self);
    let sep = if has_docs(event_docs) { "\n\n" } else { "" };
    let arrow = format!(
        "{sep}Fires `{event}`: `{}` → `{}`{}{}.",
        source.stored,
        target.stored,
        t.guard
            .as_ref()
            .map(|g| format!(", if `{}` allows it", path_text(g)))
            .unwrap_or_default(),
        running(source, t, target),
    );

    // The method at the event's declaration, resolved as the macro's own:
    // rustc's notes about it ("the method exists on the type") show that
    // line, not the whole macro.
    let at = e.ident.span().resolved_at(Span::call_site());
    match &t.guard {
        None => quote_spanned! {at=>
            #hidden_action

            #(#event_docs)*
            #[doc = #arrow]
            #[inline]
            #vis fn #event(#mut_self #receiver, #(#args: #types),*) -> #name<#target_ty> {
                #body
            }
        },
        Some(guard) => {
            let check = format_ident!("__sf_guard_{}", event);
            let hidden_check = guard_check(m, e, guard, &check);
            let (state_name, event_name, guard_name) =
                (&source.stored, event.to_string(), path_text(guard));
            let refused = format!(
                "\n\n# Errors\n\nWhen `{guard_name}` says no, the machine and the arguments \
                 come back unchanged in a `Rejected`."
            );
            let source_ty = &source.ty;
            quote_spanned! {at=>
                #hidden_check
                #hidden_action

                #(#event_docs)*
                #[doc = #arrow]
                #[doc = #refused]
                #[inline]
                #vis fn #event(#mut_self #receiver, #(#args: #types),*) -> ::core::result::Result<
                    #name<#target_ty>,
                    #krate::__private::core::Rejected<#name<#source_ty>, (#(#types,)*)>,
                > {
                    if !self.#check(#(&#args),*) {
                        return ::core::result::Result::Err(#krate::__private::core::Rejected::new(
                            self,
                            (#(#args,)*),
                            #state_name,
                            #event_name,
                            #guard_name,
                        ));
                    }
                    ::core::result::Result::Ok({ #body })
                }
            }
        }
    }
}

/// What the method of transition `t` does once it is taken: run the
/// action, then build the machine in the target state, each target field
/// moved from an argument or from the source state.
pub(super) fn transition_body(
    m: &Model,
    e: &Event,
    t: &Transition,
    action_ident: &syn::Ident,
) -> TokenStream {
    let name = &m.name;
    let (source, target) = (&m.states[t.source], &m.states[t.target]);
    let target_ident = &target.ident;
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    // Each target field, moved from an argument or from the source state.
    let values = t.fields.iter().map(|f| match *f {
        FieldSource::Arg(i) => {
            let a = &e.args[i].name;
            quote!(#a)
        }
        FieldSource::Source(i) => {
            let f = &source.fields[i].name;
            quote!(self.state.#f)
        }
    });
    let field_names = target.fields.iter().map(|f| &f.name);
    let construct = if let Some(value) = &t.value {
        value.tokens(&quote!(self.state), &e.args)
    } else if target.fields.is_empty() {
        quote!(#target_ident)
    } else {
        quote!(#target_ident { #(#field_names: #values,)* })
    };
    let unused_args = e.args.iter().enumerate().filter_map(|(i, a)| {
        let used = t
            .fields
            .iter()
            .any(|f| matches!(f, FieldSource::Arg(j) if *j == i));
        (!used).then(|| {
            let a = &a.name;
            quote!(let _ = #a;)
        })
    });

    let exit = source.exit.as_ref().map(|_| quote!(self.__sf_exit();));
    let exits = super::nested_actions::calls(&t.exits, &quote!(self));
    let action = t
        .action
        .as_ref()
        .map(|_| quote!(self.#action_ident(#(&#args),*);));
    let next = quote!(#name { context: self.context, state: #construct });
    // The entry action sees the state entered, so it runs on the machine
    // built in it.
    let entry = target
        .entry
        .as_ref()
        .map(|_| quote!(__sf_next.__sf_entry();));
    let entries = super::nested_actions::calls(&t.entries, &quote!(__sf_next));
    let next = if entry.is_none() && t.entries.is_empty() {
        next
    } else {
        quote! {
            let mut __sf_next = #next;
            #entry
            #entries
            __sf_next
        }
    };
    quote! {
        #exit
        #exits
        #action
        #(#unused_args)*
        #next
    }
}

/// The hidden methods running state `s`'s entry and exit actions with the
/// context and the state's data: one per state, shared by every
/// transition into or out of it and by `fire_in_place`, so that a wrong
/// signature is reported once, on the action's path.
fn state_hooks(m: &Model, s: &crate::model::State) -> TokenStream {
    let hook = |path: &syn::Path, ident: &str| {
        let ident = syn::Ident::new(ident, Span::call_site());
        // The user's location, so a wrong signature is reported on the
        // path; our resolution, so `self` is the method's own.
        let span = path.span().resolved_at(Span::call_site());
        let context = m
            .context
            .as_ref()
            .map(|_| quote_spanned!(span=> &mut self.context,));
        let call = quote_spanned!(span=> #path(#context &self.state););
        quote! {
            #[inline]
            fn #ident(&mut self) {
                #call
            }
        }
    };
    let entry = s.entry.as_ref().map(|p| hook(p, "__sf_entry"));
    let exit = s.exit.as_ref().map(|p| hook(p, "__sf_exit"));
    quote!(#entry #exit)
}

/// The hidden method running transition `t`'s action, by its index
/// among guarded alternatives (`None` for a single arm).
pub(super) fn action_ident(e: &Event, alternative: Option<usize>) -> syn::Ident {
    match alternative {
        None => format_ident!("__sf_action_{}", e.ident),
        Some(k) => format_ident!("__sf_action{}_{}", k, e.ident),
    }
}

/// The hidden method `ident` calling `action` with the context, the source
/// state and the arguments (by reference): shared by the typed method and
/// the any-enum's `fire_in_place`, so that a wrong signature is reported
/// once.
pub(super) fn action_method(
    m: &Model,
    e: &Event,
    action: &syn::Path,
    ident: &syn::Ident,
) -> TokenStream {
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let types: Vec<_> = e.args.iter().map(|a| &a.ty).collect();
    // The user's location, so a wrong signature is reported on the
    // action's path; our resolution, so `self` is the method's own.
    let span = action.span().resolved_at(Span::call_site());
    let context_arg_mut = m
        .context
        .as_ref()
        .map(|_| quote_spanned!(span=> &mut self.context,));
    let call = quote_spanned! {span=>
        #action(#context_arg_mut &self.state, #(#args),*);
    };
    quote! {
        #[inline]
        #[allow(clippy::ptr_arg)]
        fn #ident(&mut self, #(#args: &#types),*) {
            #call
        }
    }
}

/// The hidden method `check` asking `guard` about the machine and the arguments (by reference).
pub(super) fn guard_check(
    m: &Model,
    e: &Event,
    guard: &syn::Path,
    check: &syn::Ident,
) -> TokenStream {
    let vis = &m.vis;
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let types: Vec<_> = e.args.iter().map(|a| &a.ty).collect();
    // Every token of the call at the guard's path: a wrong
    // signature is then reported there, not over the whole macro.
    let span = guard.span().resolved_at(Span::call_site());
    let context_arg = m
        .context
        .as_ref()
        .map(|_| quote_spanned!(span=> &self.context,));
    // At the guard too: a guard returning another type is then
    // "expected `bool`" on the guard, not on the whole macro.
    let returns = quote_spanned!(span=> bool);
    let call = quote_spanned! {span=>
        #guard(#context_arg &self.state, #(#args),*)
    };
    quote! {
        #[doc(hidden)]
        #[inline]
        // The arguments are the user's types by reference (`&String`
        // for a `String` argument): the user chose the types.
        #[allow(clippy::ptr_arg)]
        #vis fn #check(&self, #(#args: &#types),*) -> #returns {
            #call
        }
    }
}

/// `, running `exit`, `action`, `entry``: the actions taking transition
/// `t` runs, in order, for its method's rustdoc; empty without any.
pub(super) fn running(
    source: &crate::model::State,
    t: &Transition,
    target: &crate::model::State,
) -> String {
    let names: Vec<String> = (source.exit.iter())
        .chain(t.exits.iter().map(|c| &c.path))
        .chain(&t.action)
        .chain(&target.entry)
        .chain(t.entries.iter().map(|c| &c.path))
        .map(|p| format!("`{}`", path_text(p)))
        .collect();
    if names.is_empty() {
        String::new()
    } else {
        format!(", running {}", names.join(", "))
    }
}

/// A guard or action's name, as the definition and the errors give it.
pub(super) fn path_text(path: &syn::Path) -> String {
    crate::check::path_name(path)
}

pub(super) fn has_docs(attrs: &[syn::Attribute]) -> bool {
    attrs.iter().any(|a| a.path().is_ident("doc"))
}
