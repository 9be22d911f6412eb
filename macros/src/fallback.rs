//! What the macro emits beside its errors: the declared types, so that a
//! mistake in the declaration gives its own errors and not fifty more
//! "cannot find type" errors in code that uses the machine.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use syn::Visibility;

use crate::ast::{Input, Item, StateDecl};

/// The state structs, `Task<S>`, and empty `TaskState`, `TaskEvent` and
/// `AnyTask` enums.
pub(crate) fn declared_types(input: &Input) -> TokenStream {
    let m = &input.machine;
    let (vis, name) = (&m.vis, &m.name);
    let generated = [
        name.to_string(),
        format!("{name}State"),
        format!("{name}Event"),
        format!("Any{name}"),
    ];
    let mut states = Vec::new();
    let mut all = Vec::new();
    for item in &m.items {
        if let Item::State(s) = item {
            collect(s, &mut all);
        }
    }
    let names: Vec<String> = all.iter().map(|s| s.name.to_string()).collect();
    for s in all {
        let ident = &s.name;
        // A state named like a marker trait is reported by `check`;
        // declaring both would add rustc's E0428.
        if (!s.children.is_empty() || s.region.is_some() || s.parallel.is_some())
            && names.contains(&format!("In{ident}"))
        {
            continue;
        }
        // A state named like a generated type is reported by `check`;
        // declaring it here too would add rustc's E0428.
        if states.iter().any(|(i, _)| i == ident) || generated.contains(&ident.to_string()) {
            continue;
        }
        states.push((ident.clone(), stand_in(vis, s)));
    }
    let state_tokens = states.iter().map(|(_, t)| t);
    let state_enum = format_ident!("{}State", name);
    let event_enum = format_ident!("{}Event", name);
    let any = format_ident!("Any{}", name);
    // The names may break Rust's naming lints (that is one of the errors
    // reported); the stand-ins must not add warnings of their own.
    quote! {
        #(#[allow(non_camel_case_types, dead_code)] #state_tokens)*
        #[allow(dead_code, non_camel_case_types)]
        #vis struct #name<S>(::core::marker::PhantomData<S>);
        #[allow(dead_code, non_camel_case_types)]
        #vis enum #state_enum {}
        #[allow(dead_code, non_camel_case_types)]
        #vis enum #event_enum {}
        #[allow(dead_code, non_camel_case_types)]
        #vis enum #any {}
    }
}

/// `state` and the states written inside it, in declaration order.
fn collect<'a>(state: &'a StateDecl, out: &mut Vec<&'a StateDecl>) {
    out.push(state);
    for child in &state.children {
        collect(child, out);
    }
}

/// The stand-in of one state: its struct, a parallel state's generic over
/// its regions, and for a state holding states its `In...` trait.
fn stand_in(vis: &Visibility, s: &StateDecl) -> TokenStream {
    let ident = &s.name;
    if s.parallel.is_some() {
        let params: Vec<_> = (0..s.children.len())
            .map(|i| format_ident!("R{}", i))
            .collect();
        let marker = format_ident!("In{}", ident);
        return quote! {
            #vis struct #ident<#(#params),*>(::core::marker::PhantomData<(#(#params,)*)>);
            #[allow(non_camel_case_types, dead_code)]
            #vis trait #marker {}
        };
    }
    if !s.children.is_empty() || s.region.is_some() {
        let marker = format_ident!("In{}", ident);
        return quote!(#vis trait #marker {});
    }
    // Each field once: a duplicate is reported by `check`, and rustc's
    // own E0124 on top of it would be noise.
    let mut seen = Vec::new();
    let fields = s.fields.iter().filter(|f| {
        let first = !seen.contains(&f.name);
        seen.push(f.name.clone());
        first
    });
    let fields = fields.map(|f| {
        let (n, t) = (&f.name, &f.ty);
        quote!(#vis #n: #t)
    });
    if s.fields.is_empty() {
        quote!(#vis struct #ident;)
    } else {
        quote!(#vis struct #ident { #(#fields,)* })
    }
}
