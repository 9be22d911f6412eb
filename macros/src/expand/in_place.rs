//! The any-enum's `fire_in_place`: firing on a machine where it is (a
//! field of a struct), without taking it out by hand.
//!
//! Safe Rust cannot change an enum's variant while keeping a field in
//! place, and a context has no placeholder value to leave behind, so the
//! change of variant moves the machine out and back
//! (`core::__move_through`). Everything the user wrote runs before that,
//! on the machine in place and by reference, in a first `match` on the
//! event and the state: the guard (a refusal hands the event back and
//! changes nothing) and the action (a panic leaves the machine whole, in
//! its state); that `match` names the transition taken by its number. The
//! move then builds the target of that transition, and only moves fields.
//! The source state's fields and the event's arguments that the target
//! does not take are put aside and dropped after the machine is back in
//! its place, so that no `Drop` of the user's runs while it is out.
//!
//! One move per target state, not one per transition: each move is a
//! closure, which the compiler pays for (its body, its MIR in the crate's
//! metadata), so the closures are as many as the states; and a move per
//! target writes that target's variant as a constant, where a single move
//! for the whole method would write a variant chosen at run time.

use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote};

use super::alternatives::{check_ident, guard_names};
use super::typed::{action_ident, path_text};
use crate::model::{Event, FieldSource, Model, Transition};

/// A transition as `fire_in_place` numbers it: the first `match` names
/// it, a move builds its target.
struct Numbered<'a> {
    event: &'a Event,
    transition: &'a Transition,
    /// Its number, unique in the machine.
    number: Literal,
}

/// `fire_in_place` and its refusal, for the any-enum's inherent impl.
pub(super) fn expand_fire_in_place(m: &Model) -> TokenStream {
    let (vis, any, event_enum, krate) = (&m.vis, &m.any, &m.event_enum, &m.krate);
    let core = quote!(#krate::__private::core);
    let mut numbered = Vec::new();
    let mut choose = Vec::new();
    for e in &m.events {
        for (source, alternatives) in e.by_source() {
            let first = numbered.len();
            choose.push(choose_arm(m, e, source, &alternatives, first));
            for t in alternatives {
                let number = Literal::usize_unsuffixed(numbered.len());
                numbered.push(Numbered {
                    event: e,
                    transition: t,
                    number,
                });
            }
        }
    }
    let body = if numbered.is_empty() {
        // No transition, so no event: the event enum has no variant.
        quote!(match event {})
    } else {
        moving_body(m, &numbered, &choose)
    };
    // Only called from the body: a machine without events has none.
    let refuse = (!numbered.is_empty()).then(|| {
        quote! {
            /// The refusal of `event`, the machine staying where it is.
            #[inline(always)]
            fn __sf_refuse_in_place(&self, event: #event_enum, refusal: #core::Refusal)
                -> #core::NotAllowed<(), #event_enum>
            {
                let state = self.state().as_str();
                let name = #event_enum::name(&event);
                #core::NotAllowed::new((), event, state, name, refusal)
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
            #body
        }
    }
}

/// The body of a machine with transitions: the choice in place, then the
/// move to the target chosen and its entry action.
fn moving_body(m: &Model, numbered: &[Numbered<'_>], choose: &[TokenStream]) -> TokenStream {
    let (any, krate) = (&m.any, &m.krate);
    let core = quote!(#krate::__private::core);
    let lefts: Vec<Option<Left>> = numbered.iter().map(|n| left(m, n)).collect();
    // The event goes into the moves only when an argument goes with it.
    let with_event = numbered.iter().any(|n| !n.event.args.is_empty());
    let (event, other) = if with_event {
        (quote!(, event), quote!((_, __sf_other, _) => __sf_other))
    } else {
        (quote!(), quote!((_, __sf_other) => __sf_other))
    };
    let moves = m.states.iter().enumerate().filter_map(|(ti, target)| {
        let into: Vec<_> = numbered
            .iter()
            .zip(&lefts)
            .filter(|(n, _)| n.transition.target == ti)
            .collect();
        if into.is_empty() {
            return None;
        }
        let numbers = into.iter().map(|(n, _)| &n.number);
        let arms = into
            .iter()
            .map(|(n, left)| move_arm(m, n, left.as_ref(), with_event));
        // The entry action sees the state entered: it runs once the
        // machine is back in its place, in that state.
        let ident = &target.ident;
        let entry = target.entry.as_ref().map(|_| {
            quote! {
                if let #any::#ident(__sf_n) = self {
                    __sf_n.__sf_entry();
                }
            }
        });
        // A hierarchical transition's entry actions are its own (where it
        // entered from decides which states it enters): run by number.
        let entries: Vec<_> = into
            .iter()
            .filter(|(n, _)| !n.transition.entries.is_empty())
            .map(|(n, _)| {
                let number = &n.number;
                let calls = super::nested_actions::calls(&n.transition.entries, &quote!(__sf_n));
                quote!(#number => if let #any::#ident(__sf_n) = self { #calls })
            })
            .collect();
        let entries = (!entries.is_empty()).then(|| {
            quote! {
                match __sf_k {
                    #(#entries,)*
                    _ => {}
                }
            }
        });
        Some(quote! {
            #(#numbers)|* => {
                #core::__move_through(self, |__sf_any| match (__sf_k, __sf_any #event) {
                    #(#arms,)*
                    #other,
                });
                #entry
                #entries
            }
        })
    });
    // One variant per kind of what is put aside: a whole source state
    // (shared by the transitions leaving it), or a transition's own tuple.
    let mut variants: Vec<TokenStream> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for left in lefts.iter().flatten() {
        let (variant, ty) = (&left.variant, &left.ty);
        let key = variant.to_string();
        if !seen.contains(&key) {
            variants.push(quote!(#variant(#ty)));
            seen.push(key);
        }
    }
    let left_decl = (!variants.is_empty()).then(|| {
        quote! {
            // What the target does not take, of the source state and of
            // the event: dropped at the end, the machine in its place.
            #[allow(dead_code, non_camel_case_types)]
            enum __SfLeft {
                __SfNothing,
                #(#variants,)*
            }
            let mut __sf_left = __SfLeft::__SfNothing;
        }
    });
    quote! {
        // Local, so that the many arms below spell them short.
        use ::core::result::Result::{Err, Ok};
        #[allow(unreachable_patterns)]
        let __sf_chosen: ::core::result::Result<u32, #core::Refusal> = match (&event, &mut *self) {
            #(#choose,)*
            _ => Err(#core::Refusal::NoTransition),
        };
        let __sf_k = match __sf_chosen {
            Ok(__sf_k) => __sf_k,
            Err(__sf_refusal) => return Err(self.__sf_refuse_in_place(event, __sf_refusal)),
        };
        #left_decl
        match __sf_k {
            #(#moves)*
            _ => {}
        }
        Ok(())
    }
}

/// The arm of event `e` out of state `source` in the choice: the guards
/// asked in order, then the chosen transition's exit and action run and
/// its number given, or the refusal. `first` numbers the first of
/// `alternatives`, the others follow.
fn choose_arm(
    m: &Model,
    e: &Event,
    source: usize,
    alternatives: &[&Transition],
    first: usize,
) -> TokenStream {
    let (any, event_enum, variant, krate) = (&m.any, &m.event_enum, &e.variant, &m.krate);
    let core = quote!(#krate::__private::core);
    let source_ident = &m.states[source].ident;
    let args: Vec<_> = e.args.iter().map(|a| &a.name).collect();
    // The arguments, by reference, only for a guard or an action: those
    // take them all.
    let uses_args = alternatives
        .iter()
        .any(|t| t.guard.is_some() || t.action.is_some());
    let event_pattern = if e.args.is_empty() {
        quote!(#event_enum::#variant)
    } else if uses_args {
        quote!(#event_enum::#variant { #(#args),* })
    } else {
        quote!(#event_enum::#variant { .. })
    };
    let taken = |t: &Transition, k: usize| {
        let alternative = (alternatives.len() > 1).then_some(k);
        let exit = m.states[source]
            .exit
            .as_ref()
            .map(|_| quote!(__sf_m.__sf_exit();));
        let exits = super::nested_actions::calls(&t.exits, &quote!(__sf_m));
        let action = t.action.as_ref().map(|_| {
            let method = action_ident(e, alternative);
            quote!(__sf_m.#method(#(#args),*);)
        });
        let number = Literal::usize_unsuffixed(first + k);
        quote!(#exit #exits #action Ok(#number))
    };
    let body = match alternatives {
        [t] => {
            let step = taken(t, 0);
            match &t.guard {
                None if t.action.is_none()
                    && m.states[source].exit.is_none()
                    && t.exits.is_empty() =>
                {
                    step
                }
                None => quote!({ #step }),
                Some(guard) => {
                    let check = format_ident!("__sf_guard_{}", e.ident);
                    let guard_name = path_text(guard);
                    quote! {
                        if __sf_m.#check(#(#args),*) {
                            #step
                        } else {
                            Err(#core::Refusal::Guard(#guard_name))
                        }
                    }
                }
            }
        }
        _ => {
            let has_else = alternatives.last().is_some_and(|t| t.guard.is_none());
            let mut chain = if has_else {
                quote!()
            } else {
                let guards = guard_names(alternatives);
                quote!(Err(#core::Refusal::Guards(&[#(#guards),*])))
            };
            for (k, t) in alternatives.iter().enumerate().rev() {
                let step = taken(t, k);
                chain = if t.guard.is_some() {
                    let check = check_ident(e, k);
                    quote!(if __sf_m.#check(#(#args),*) { #step } else { #chain })
                } else {
                    step
                };
            }
            quote!({ #chain })
        }
    };
    quote!((#event_pattern, #any::#source_ident(__sf_m)) => #body)
}

/// What a transition puts aside: the variant of `__SfLeft` holding it,
/// that variant's type, and the value put in it.
struct Left {
    variant: syn::Ident,
    ty: TokenStream,
    value: TokenStream,
}

/// What transition `n` puts aside; `None` when the target takes it all.
fn left(m: &Model, n: &Numbered<'_>) -> Option<Left> {
    let (e, t) = (n.event, n.transition);
    let source = &m.states[t.source];
    let unused_args: Vec<_> = e
        .args
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !t.fields
                .iter()
                .any(|f| matches!(f, FieldSource::Arg(j) if j == i))
        })
        .map(|(_, a)| a)
        .collect();
    let left_fields: Vec<_> = source
        .fields
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            !t.fields
                .iter()
                .any(|f| matches!(f, FieldSource::Source(j) if j == i))
        })
        .map(|(_, f)| f)
        .collect();
    let mut values = Vec::new();
    let mut types = Vec::new();
    // The whole source state when the target takes none of its fields (a
    // state type may have a `Drop` of its own). Between parallel states'
    // configurations the regions not kept are dropped with what is left
    // of the state, in the move.
    if t.value.is_none() && left_fields.len() == source.fields.len() {
        let (ident, ty) = (&source.ident, &source.ty);
        if unused_args.is_empty() {
            return Some(Left {
                variant: ident.clone(),
                ty: quote!(#ty),
                value: quote!(__sf_m.state),
            });
        }
        values.push(quote!(__sf_m.state));
        types.push(quote!(#ty));
    } else if t.value.is_none() {
        for f in &left_fields {
            let (name, ty) = (&f.name, &f.ty);
            values.push(quote!(__sf_m.state.#name));
            types.push(quote!(#ty));
        }
    }
    for a in &unused_args {
        let (name, ty) = (&a.name, &a.ty);
        values.push(quote!(#name));
        types.push(quote!(#ty));
    }
    (!values.is_empty()).then(|| Left {
        variant: format_ident!("__Sf{}", n.number.to_string()),
        ty: quote!((#(#types,)*)),
        value: quote!((#(#values,)*)),
    })
}

/// The arm of a move for transition `n`: the target built from the
/// source's fields and the event's arguments, what it does not take put
/// aside.
fn move_arm(m: &Model, n: &Numbered<'_>, left: Option<&Left>, with_event: bool) -> TokenStream {
    let (any, name, event_enum) = (&m.any, &m.name, &m.event_enum);
    let (e, t, number) = (n.event, n.transition, &n.number);
    let (source, target) = (&m.states[t.source], &m.states[t.target]);
    let (source_ident, target_ident) = (&source.ident, &target.ident);
    let values = t.fields.iter().map(|f| match *f {
        FieldSource::Arg(i) => {
            let a = &e.args[i].name;
            quote!(#a)
        }
        FieldSource::Source(i) => {
            let f = &source.fields[i].name;
            quote!(__sf_m.state.#f)
        }
    });
    let field_names = target.fields.iter().map(|f| &f.name);
    let construct = if let Some(value) = &t.value {
        value.tokens(&quote!(__sf_m.state), &e.args)
    } else if target.fields.is_empty() {
        quote!(#target_ident)
    } else {
        quote!(#target_ident { #(#field_names: #values,)* })
    };
    let put_aside =
        left.map(|Left { variant, value, .. }| quote!(__sf_left = __SfLeft::#variant(#value);));
    let event = with_event.then(|| {
        if e.args.is_empty() {
            quote!(, _)
        } else {
            let (variant, args) = (&e.variant, e.args.iter().map(|a| &a.name));
            quote!(, #event_enum::#variant { #(#args),* })
        }
    });
    quote! {
        (#number, #any::#source_ident(__sf_m) #event) => {
            #put_aside
            #any::#target_ident(#name { context: __sf_m.context, state: #construct })
        }
    }
}
