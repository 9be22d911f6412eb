//! The any-enum's `fire_in_place`: firing on a machine where it is (a
//! field of a struct), without taking it out by hand.
//!
//! Safe Rust cannot change an enum's variant while keeping a field in
//! place, and a context has no placeholder value to leave behind, so the
//! change of variant moves the machine out and back
//! (`core::__move_through`). Everything the user wrote runs before that,
//! on the machine in place and by reference: the guard (a refusal hands
//! the event back and changes nothing) and the action (a panic leaves the
//! machine whole, in its state). The move itself only moves fields; the
//! source state's fields that the target does not take are dropped after
//! the machine is back in its place, so that no `Drop` of the user's runs
//! while it is out.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::alternatives::{check_ident, guard_names};
use super::typed::{action_ident, path_text};
use crate::model::{Event, FieldSource, Model, Transition};

/// `fire_in_place` and its refusal, for the any-enum's inherent impl.
pub(super) fn expand_fire_in_place(m: &Model) -> TokenStream {
    let (vis, any, event_enum, krate) = (&m.vis, &m.any, &m.event_enum, &m.krate);
    let core = quote!(#krate::__private::core);
    let events = m.events.iter().map(|e| {
        let pattern = event_pattern(m, e);
        let event_name = e.ident.to_string();
        let arms = e
            .by_source()
            .into_iter()
            .map(|(source, alternatives)| source_arm(m, e, source, &alternatives, &pattern));
        quote! {
            #pattern => match self {
                #(#arms,)*
                _ => Err(self.__sf_refuse_in_place(#pattern, #event_name)),
            }
        }
    });
    // Only called from the arms: a machine without events has none.
    let refuse = (!m.events.is_empty()).then(|| {
        quote! {
            /// The refusal of `event`, which no transition takes out of the
            /// current state, the machine staying where it is.
            #[inline(always)]
            fn __sf_refuse_in_place(&self, event: #event_enum, name: &'static str)
                -> #core::NotAllowed<(), #event_enum>
            {
                let state = self.state().as_str();
                #core::NotAllowed::new((), event, state, name, #core::Refusal::NoTransition)
            }
        }
    });
    let doc = format!(
        "Fires `event` on the machine where it is (a field of a struct, an element of a \
         collection), which is left in the state reached: [`{any}::fire`] without taking \
         the machine out and putting it back.\n\n\
         The guard and the action run on the machine in place, by reference, before the \
         state changes: a refused event changes nothing, and a guard or an action that \
         panics leaves the machine whole, in its state, with the context as the action \
         left it. The fields of the old state that the new one does not take are dropped \
         once the machine is back in its place.\n\n\
         ```ignore\n\
         let mut any = {any}::from(machine);\n\
         any.fire_in_place(event)?;\n\
         ```\n\n\
         # Errors\n\n\
         A `NotAllowed` holding the event, naming the state, the event and, for a guard, \
         the guard; its `machine` is `()`: the machine stayed where it was, unchanged."
    );
    // Only for machines that have entry actions, so that the others'
    // expansion stays as it was.
    let has_actions = (m.states.iter()).any(|s| s.entry.is_some() || !s.nested_actions.is_empty());
    let entry_doc = has_actions.then(|| {
        quote! {
            #[doc = "\n\n# Entry and exit actions\n\nA state's exit action runs with the arm's action, before the state \
                     changes; the entry action of the state reached runs after, on the \
                     machine back in its place: one that panics leaves it in that state."]
        }
    });
    quote! {
        #refuse

        #[doc = #doc]
        #entry_doc
        #[inline]
        #vis fn fire_in_place(&mut self, event: #event_enum)
            -> ::core::result::Result<(), #core::NotAllowed<(), #event_enum>>
        {
            // Local, so that the many arms below spell them short.
            use ::core::result::Result::{Err, Ok};
            #[allow(unreachable_patterns)]
            match event {
                #(#events,)*
            }
        }
    }
}

/// `TaskEvent::Assign { agent }`: the event with its arguments bound.
fn event_pattern(m: &Model, e: &Event) -> TokenStream {
    let (event_enum, variant) = (&m.event_enum, &e.variant);
    let args = e.args.iter().map(|a| &a.name);
    if e.args.is_empty() {
        quote!(#event_enum::#variant)
    } else {
        quote!(#event_enum::#variant { #(#args),* })
    }
}

/// The arm of event `e` out of state `source`: the guards consulted in
/// order, then the chosen transition taken, or the refusal.
fn source_arm(
    m: &Model,
    e: &Event,
    source: usize,
    alternatives: &[&Transition],
    pattern: &TokenStream,
) -> TokenStream {
    let (any, krate) = (&m.any, &m.krate);
    let core = quote!(#krate::__private::core);
    let source_ident = &m.states[source].ident;
    let (state_name, event_name) = (&m.states[source].stored, e.ident.to_string());
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let body = match alternatives {
        [t] => {
            let step = step(m, e, t, None);
            match &t.guard {
                None => step,
                Some(guard) => {
                    let check = format_ident!("__sf_guard_{}", e.ident);
                    let guard_name = path_text(guard);
                    quote! {
                        if !__sf_m.#check(#(&#args),*) {
                            return Err(#core::NotAllowed::new(
                                (),
                                #pattern,
                                #state_name,
                                #event_name,
                                #core::Refusal::Guard(#guard_name),
                            ));
                        }
                        #step
                    }
                }
            }
        }
        _ => {
            let has_else = alternatives.last().is_some_and(|t| t.guard.is_none());
            let mut chain = if has_else {
                quote!({})
            } else {
                let guards = guard_names(alternatives);
                quote! {
                    Err(#core::NotAllowed::new(
                        (),
                        #pattern,
                        #state_name,
                        #event_name,
                        #core::Refusal::Guards(&[#(#guards),*]),
                    ))
                }
            };
            for (k, t) in alternatives.iter().enumerate().rev() {
                let step = step(m, e, t, Some(k));
                chain = if t.guard.is_some() {
                    let check = check_ident(e, k);
                    quote!(if __sf_m.#check(#(&#args),*) { #step } else { #chain })
                } else {
                    step
                };
            }
            chain
        }
    };
    quote!(#any::#source_ident(__sf_m) => { #body })
}

/// Taking transition `t` (its guard said yes): the action on the machine
/// in place, then the move to the target state, then `Ok(())`.
fn step(m: &Model, e: &Event, t: &Transition, alternative: Option<usize>) -> TokenStream {
    let (any, name, krate) = (&m.any, &m.name, &m.krate);
    let core = quote!(#krate::__private::core);
    let (source, target) = (&m.states[t.source], &m.states[t.target]);
    let (source_ident, target_ident) = (&source.ident, &target.ident);
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    let exit = source.exit.as_ref().map(|_| quote!(__sf_m.__sf_exit();));
    let exits = super::nested_actions::calls(&t.exits, &quote!(__sf_m));
    let action = t.action.as_ref().map(|_| {
        let method = action_ident(e, alternative);
        quote!(__sf_m.#method(#(&#args),*);)
    });
    // The entry action sees the state entered: it runs once the machine
    // is back in its place, in that state.
    let entry = target.entry.as_ref().map(|_| {
        quote! {
            match self {
                #any::#target_ident(__sf_n) => __sf_n.__sf_entry(),
                _ => {}
            }
        }
    });
    let entries = (!t.entries.is_empty()).then(|| {
        let calls = super::nested_actions::calls(&t.entries, &quote!(__sf_n));
        quote! {
            match self {
                #any::#target_ident(__sf_n) => { #calls }
                _ => {}
            }
        }
    });
    let values = t.fields.iter().map(|f| match *f {
        FieldSource::Arg(i) => {
            let a = &e.args[i].name;
            quote!(#a)
        }
        FieldSource::Source(i) => {
            let f = &source.fields[i].name;
            quote!(__sf_s.#f)
        }
    });
    let field_names = target.fields.iter().map(|f| &f.name);
    let construct = if let Some(value) = &t.value {
        value.tokens(&quote!(__sf_s), &e.args)
    } else if target.fields.is_empty() {
        quote!(#target_ident)
    } else {
        quote!(#target_ident { #(#field_names: #values,)* })
    };
    // The arguments no field takes stay outside the move, dropped after it.
    let unused_args = e.args.iter().enumerate().filter_map(|(i, a)| {
        let used = t
            .fields
            .iter()
            .any(|f| matches!(f, FieldSource::Arg(j) if *j == i));
        (!used).then(|| {
            let a = &a.name;
            quote!(let _ = &#a;)
        })
    });
    let left: Vec<_> = source
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !t.fields
                .iter()
                .any(|f| matches!(f, FieldSource::Source(j) if j == i))
        })
        .map(|(_, f)| &f.name)
        .collect();
    // What the target does not take: the whole source state when it takes
    // none of its fields (a state type may have a `Drop` of its own).
    // Between parallel states' configurations the regions not kept are
    // dropped with what is left of the state, in the move.
    let left = if t.value.is_some() {
        quote!(())
    } else if left.len() == source.fields.len() {
        quote!(__sf_s)
    } else {
        quote!((#(__sf_s.#left,)*))
    };
    quote! {
        #exit
        #exits
        #action
        #(#unused_args)*
        let mut __sf_left = ::core::option::Option::None;
        #core::__move_through(self, |__sf_any| match __sf_any {
            #any::#source_ident(#name { context: __sf_c, state: __sf_s }) => {
                __sf_left = ::core::option::Option::Some(#left);
                #any::#target_ident(#name { context: __sf_c, state: #construct })
            }
            __sf_other => __sf_other,
        });
        #entry
        #entries
        // `__sf_left` is dropped here, at the end of the arm, with the
        // machine back in its place.
        Ok(())
    }
}
