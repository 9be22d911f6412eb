//! What the macro emits beside its errors: the declared types, so that a
//! mistake in the declaration gives its own errors and not fifty more
//! "cannot find type" errors in code that uses the machine.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use crate::ast::{Input, Item};

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
    for item in &m.items {
        if let Item::State(s) = item {
            let ident = &s.name;
            // A state named like a generated type is reported by `check`;
            // declaring it here too would add rustc's E0428.
            if states.iter().any(|(i, _)| i == ident) || generated.contains(&ident.to_string()) {
                continue;
            }
            // Each field once: a duplicate is reported by `check`, and
            // rustc's own E0124 on top of it would be noise.
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
            let tokens = if s.fields.is_empty() {
                quote!(#vis struct #ident;)
            } else {
                quote!(#vis struct #ident { #(#fields,)* })
            };
            states.push((ident.clone(), tokens));
        }
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
