//! Model -> tokens. Never re-validates: `check` has.

mod alternatives;
mod any;
mod in_place;
mod nested_actions;
mod refusal;
mod serde_impls;
mod typed;

use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};
use stateforge_core::MachineSpec;

use crate::ast::Input;
use crate::model::Model;

/// The whole macro: parse, check, expand; on error, the errors plus the
/// declared types so one mistake gives one error.
pub(crate) fn state_machine(input: TokenStream) -> TokenStream {
    let input: Input = match syn::parse2(input) {
        Ok(input) => input,
        Err(e) => return e.to_compile_error(),
    };
    let fallback = crate::fallback::declared_types(&input);
    match crate::check::check(input) {
        Ok(model) => expand(&model),
        Err(e) => {
            let errors = e.to_compile_error();
            quote! { #errors #fallback }
        }
    }
}

fn expand(m: &Model) -> TokenStream {
    let state_types = expand_state_types(m);
    let markers = expand_markers(m);
    let machine = typed::expand_machine(m);
    let transitions = typed::expand_transitions(m);
    let outcomes = alternatives::outcome_enums(m);
    let refusal_traits = refusal::refusal_module(m);
    let state_enum = any::expand_state_enum(m);
    let event_enum = any::expand_event_enum(m);
    let any_enum = any::expand_any(m);
    let serde = serde_impls::expand(m);
    quote! {
        #state_types
        #markers
        #machine
        #transitions
        #outcomes
        #refusal_traits
        #state_enum
        #event_enum
        #any_enum
        #serde
    }
}

/// A declared leaf state's struct, as `expand_state_types` emits it.
pub(super) struct DeclaredStruct<'a> {
    pub(super) ident: &'a syn::Ident,
    pub(super) attrs: &'a [syn::Attribute],
    pub(super) fields: &'a [crate::ast::FieldDecl],
    pub(super) stored: &'a str,
    pub(super) is_final: bool,
}

/// The structs of the declared leaf states: the typed states, or with
/// parallel states (whose configurations are products of them) the leaves.
pub(super) fn declared_structs(m: &Model) -> Vec<DeclaredStruct<'_>> {
    match &m.leaf_structs {
        Some(leaves) => leaves
            .iter()
            .map(|s| DeclaredStruct {
                ident: &s.ident,
                attrs: &s.attrs,
                fields: &s.fields,
                stored: &s.stored,
                is_final: s.is_final,
            })
            .collect(),
        None => m
            .states
            .iter()
            .map(|s| DeclaredStruct {
                ident: &s.ident,
                attrs: &s.attrs,
                fields: &s.fields,
                stored: &s.stored,
                is_final: s.is_final,
            })
            .collect(),
    }
}

/// `struct Pending;`, `struct Assigned { agent: String }`, and each
/// parallel state's `struct Building<Tests, Docs> { tests: Tests, docs: Docs }`.
fn expand_state_types(m: &Model) -> TokenStream {
    let vis = &m.vis;
    let machine_attrs = &m.attrs;
    let products = m.products.iter().map(|p| {
        let (ident, attrs) = (&p.ident, &p.attrs);
        let fields: Vec<_> = p.regions.iter().map(|(f, _)| f).collect();
        let params: Vec<_> = p.regions.iter().map(|(_, t)| t).collect();
        let doc = format!(
            "Parallel state `{ident}` of [`{}`]: the state of each of its regions, all active at once.",
            m.name
        );
        let field_docs = params.iter().map(|r| format!("The state of region `{r}`."));
        let serde_derive = if cfg!(feature = "serde") {
            quote! {
                #[derive(::stateforge::__private::serde::Serialize, ::stateforge::__private::serde::Deserialize)]
                #[serde(crate = "::stateforge::__private::serde")]
            }
        } else {
            TokenStream::new()
        };
        let span = ident.span().resolved_at(proc_macro2::Span::call_site());
        quote_spanned! {span=>
            #[doc = #doc]
            #(#attrs)*
            #(#machine_attrs)*
            #serde_derive
            #vis struct #ident<#(#params),*> {
                #(#[doc = #field_docs] #vis #fields: #params,)*
            }
        }
    });
    let leaves: TokenStream = declared_structs(m)
        .into_iter()
        .map(|s| {
            // A state without data gets serde impls written out, not
            // derived (see `serde_impls::expand`).
            let serde_derive = if s.fields.is_empty() {
                TokenStream::new()
            } else {
                serde_impls::derive_attrs(s.fields.iter().map(|f| &f.ty))
            };
            let ident = s.ident;
            // At the user's state token: rustc's notes about the state
            // type ("not implemented for `Pending`") then point there.
            let span = ident.span().resolved_at(proc_macro2::Span::call_site());
            let attrs = s.attrs;
            let doc = format!(
                "State `{}` of [`{}`]{}.",
                s.stored,
                m.name,
                if s.is_final { " (final)" } else { "" }
            );
            if s.fields.is_empty() {
                quote_spanned! {span=>
                    #[doc = #doc]
                    #(#attrs)*
                    #(#machine_attrs)*
                    #serde_derive
                    #vis struct #ident;
                }
            } else {
                let fields = s.fields.iter().map(|f| {
                    let (attrs, name, ty) = (&f.attrs, &f.name, &f.ty);
                    let doc = default_doc(attrs, || format!("`{name}` of state `{}`.", s.stored));
                    quote! { #doc #(#attrs)* #vis #name: #ty }
                });
                quote_spanned! {span=>
                    #[doc = #doc]
                    #(#attrs)*
                    #(#machine_attrs)*
                    #serde_derive
                    #vis struct #ident { #(#fields,)* }
                }
            }
        })
        .collect();
    let remembering = m.remembering.iter().map(|r| remembering_struct(m, r));
    quote! {
        #leaves
        #(#products)*
        #(#remembering)*
    }
}

/// `struct OffRememberingPaused { state: Off }`: the typed state of a
/// configuration remembering children of history states, so that each
/// memory is its own type and entering the history state again has a
/// statically known target. It dereferences to the data it holds, which
/// guards and actions written for that data then take as it is.
fn remembering_struct(m: &Model, r: &crate::check::Remembering) -> TokenStream {
    let vis = &m.vis;
    let machine_attrs = &m.attrs;
    let (ident, inner) = (&r.ident, &r.inner);
    let memory = r
        .memory
        .iter()
        .map(|(state, child)| format!("`{state}` was left in `{child}`"))
        .collect::<Vec<_>>()
        .join(", ");
    let inner_text = inner.to_string().replace(' ', "").replace(',', ", ");
    let doc = format!(
        "State `{}` of [`{}`]: `{inner_text}`, remembering that {memory}, where entering it \
         again leads.",
        r.stored, m.name
    );
    let serde_derive = if cfg!(feature = "serde") {
        let ty: syn::Type = syn::parse2(inner.clone()).expect("a configuration's type");
        let derive = serde_impls::derive_attrs(std::iter::once(&ty));
        quote!(#derive #[serde(transparent)])
    } else {
        TokenStream::new()
    };
    // At the state it is a configuration of, resolved as the macro's own:
    // rustc's notes about the type ("not implemented for") point there.
    let span = ident.span().resolved_at(proc_macro2::Span::call_site());
    let declaration = quote_spanned! {span=>
        #[doc = #doc]
        #(#machine_attrs)*
        #serde_derive
        #vis struct #ident {
            /// The data of the states it is in.
            #vis state: #inner,
        }
    };
    quote! {
        #declaration

        impl ::core::ops::Deref for #ident {
            type Target = #inner;
            fn deref(&self) -> &#inner {
                &self.state
            }
        }

        impl ::core::ops::DerefMut for #ident {
            fn deref_mut(&mut self) -> &mut #inner {
                &mut self.state
            }
        }
    }
}

/// `trait InActive {}` per state holding states, implemented by the state
/// types inside it, so that code can take a machine in any of them
/// (`fn f<S: InActive>(task: Task<S>)`).
fn expand_markers(m: &Model) -> TokenStream {
    let (vis, name) = (&m.vis, &m.name);
    m.compounds
        .iter()
        .map(|c| {
            let marker = &c.marker;
            let types = &c.types;
            let list = types
                .iter()
                .map(|t| format!("`{}`", t.to_string().replace(' ', "")))
                .collect::<Vec<_>>()
                .join(", ");
            let doc = format!(
                "The states of [`{name}`] inside `{}`: {list}. A `{name}<S>` with \
                 `S: {marker}` is a machine somewhere in `{}`.",
                c.written, c.written
            );
            let message = format!("`{{Self}}` is not a state inside `{}`", c.written);
            let label = format!("not inside `{}`", c.written);
            let note = format!("the states inside `{}` are: {list}", c.written);
            // At the state's name, resolved as the macro's own: rustc's
            // notes about the trait then show that line; the impls are
            // not recommended, since the note lists them.
            let at = marker.span().resolved_at(proc_macro2::Span::call_site());
            quote_spanned! {at=>
                #[doc = #doc]
                #[diagnostic::on_unimplemented(message = #message, label = #label, note = #note)]
                #vis trait #marker {}
                #(
                    #[diagnostic::do_not_recommend]
                    impl #marker for #types {}
                )*
            }
        })
        .collect()
}

/// The type of the context: the declared one, or `()`.
fn context_type(m: &Model) -> TokenStream {
    match &m.context {
        Some(ty) => quote!(#ty),
        None => quote!(()),
    }
}

/// The expression building the machine's `Definition` at run time, from
/// the spec checked at compile time, written as the few string literals
/// of [`MachineSpec::__to_text`]: a builder call per state, event and arm
/// made large machines slow to compile.
fn definition_body(m: &Model) -> TokenStream {
    let krate = &m.krate;
    let spec: &MachineSpec = m.definition.spec();
    let name = &spec.name;
    let (states, events, timers) = spec.__to_text();
    let (unreachable, dead_ends) = (spec.checks.unreachable, spec.checks.dead_ends);
    let build = if spec.migrations.is_empty() {
        quote! {
            #krate::__private::core::Definition::__compiled(
                #name, #states, #events, #timers, #unreachable, #dead_ends,
            )
        }
    } else {
        let migrations = spec.__migrations_text();
        quote! {
            #krate::__private::core::Definition::__compiled_migrating(
                #name, #states, #events, #timers, #migrations, #unreachable, #dead_ends,
            )
        }
    };
    quote! {
        static __SF_DEFINITION: ::std::sync::LazyLock<#krate::__private::core::Definition> =
            ::std::sync::LazyLock::new(|| { #build });
        &__SF_DEFINITION
    }
}

/// The machine's diagram for its rustdoc, drawn at compile time: an SVG
/// picture inlined in the page (rustdoc passes HTML through; the picture
/// has no blank line, which would end the HTML block, and styles itself
/// on a white background, readable in every theme). The layout's
/// optimizations, whose cost grows steeply with the machine and is paid
/// at every expansion, tidy small machines only; past
/// [`PICTURE_MAX_STATES`] states even the plain layout costs too much,
/// and the Mermaid text stands instead.
fn diagram_doc(m: &Model) -> String {
    let optimize = m.states.len() <= TIDY_MAX_STATES;
    // A layout that fails (core retries it once already) must not fail
    // the user's build: the text stands in for the picture.
    let picture = (m.states.len() <= PICTURE_MAX_STATES)
        .then(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                m.definition.__to_svg(optimize)
            }))
            .ok()
        })
        .flatten();
    let diagram = match picture {
        Some(svg) => format!("\n\n{svg}"),
        None => format!("```text\n{}```", m.definition.to_mermaid()),
    };
    format!(
        "\n\n# Diagram\n{diagram}\n\nStates: {}.",
        m.states
            .iter()
            .map(|s| format!("`{}`", s.stored))
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The largest machine whose rustdoc shows a picture.
const PICTURE_MAX_STATES: usize = 16;
/// The largest machine whose picture is tidied.
const TIDY_MAX_STATES: usize = 8;

/// A `#[doc]` for an item the user left undocumented, so generated code
/// passes `#![deny(missing_docs)]`.
fn default_doc(attrs: &[syn::Attribute], text: impl FnOnce() -> String) -> Option<TokenStream> {
    if attrs.iter().any(|a| a.path().is_ident("doc")) {
        None
    } else {
        let text = text();
        Some(quote!(#[doc = #text]))
    }
}
