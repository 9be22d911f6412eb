//! serde support for generated machines, when the `serde` feature is on.
//!
//! A machine serializes as `{"state": "assigned", "context": ..., "data": ...}`:
//! the state's name always travels with its data and is checked on the way
//! back, so a row written in one state never loads as another.
//!
//! serde's derives take the path to serde as a string (`crate = "..."`),
//! which `$crate` cannot reach; these impls therefore name
//! `::stateforge::__private::serde` and need the facade under its own name.

use proc_macro2::TokenStream;
use quote::quote;

use super::context_type;
use crate::model::Model;

const SERDE_PATH: &str = "::stateforge::__private::serde";

fn enabled() -> bool {
    cfg!(feature = "serde")
}

fn serde_path() -> TokenStream {
    quote!(::stateforge::__private::serde)
}

/// `where` predicates, as serde's `bound` attribute takes them, that hold
/// when every type in `types` is (de)serializable.
///
/// The `for<'__sf>` makes each bound higher-ranked: rustc then checks it
/// where the impl is used instead of refusing the impl when it does not
/// hold, so a machine whose context or fields are not serializable still
/// compiles; it just has no serde impls.
///
/// serde parses the strings with the literal's span: it is the first
/// type's, so a misspelt type is reported at the user's token (where rustc
/// reports it already) and not over the whole macro.
fn bounds<'a>(types: impl Iterator<Item = &'a syn::Type> + Clone) -> (syn::LitStr, syn::LitStr) {
    use syn::spanned::Spanned;
    let span = types
        .clone()
        .next()
        .map_or_else(proc_macro2::Span::call_site, |ty| ty.span());
    let each = |t: &str| {
        let text = types
            .clone()
            .map(|ty| format!("for<'__sf> {}: {SERDE_PATH}::{t}", quote!(#ty)))
            .collect::<Vec<_>>()
            .join(", ");
        syn::LitStr::new(&text, span)
    };
    (each("Serialize"), each("Deserialize<'de>"))
}

/// The derives for a state struct with fields of `types`.
pub(super) fn derive_attrs<'a>(types: impl Iterator<Item = &'a syn::Type> + Clone) -> TokenStream {
    if !enabled() {
        return TokenStream::new();
    }
    let serde = serde_path();
    let (ser, de) = bounds(types);
    quote! {
        #[derive(#serde::Serialize, #serde::Deserialize)]
        #[serde(crate = #SERDE_PATH, bound(serialize = #ser, deserialize = #de))]
    }
}

/// Whether the event enum's serde impls are derived: when some event has
/// arguments. Without any, [`unit_event_impls`] writes them.
fn events_derived(m: &Model) -> bool {
    m.events.iter().any(|e| !e.args.is_empty())
}

/// The derives for the event enum: `{"event": "assign", "agent": "ada"}`.
pub(super) fn event_derive_attrs(m: &Model) -> TokenStream {
    if !enabled() || !events_derived(m) {
        return TokenStream::new();
    }
    let serde = serde_path();
    let (ser, de) = bounds(m.events.iter().flat_map(|e| e.args.iter().map(|a| &a.ty)));
    quote! {
        #[derive(#serde::Serialize, #serde::Deserialize)]
        #[serde(crate = #SERDE_PATH, tag = "event", bound(serialize = #ser, deserialize = #de))]
    }
}

/// `#[serde(rename = "...")]` for an event variant: events keep their
/// declared (snake_case) names.
pub(super) fn rename_attr(m: &Model, name: &str) -> TokenStream {
    if !enabled() || !events_derived(m) {
        return TokenStream::new();
    }
    quote!(#[serde(rename = #name)])
}

/// The event enum's impls when no event has arguments: the form serde's
/// derive gives it (`{"event": "reset"}`), read and written by two
/// functions of core instead of a derive per machine.
fn unit_event_impls(m: &Model) -> TokenStream {
    if m.events.is_empty() || events_derived(m) {
        return TokenStream::new();
    }
    let event_enum = &m.event_enum;
    let enum_name = event_enum.to_string();
    let names = m.events.iter().map(|e| e.ident.to_string());
    let (indices, variants): (Vec<_>, Vec<_>) =
        m.events.iter().map(|e| &e.variant).enumerate().unzip();
    quote! {
        impl __sf_serde::Serialize for #event_enum {
            fn serialize<__S: __sf_serde::Serializer>(&self, serializer: __S)
                -> ::core::result::Result<__S::Ok, __S::Error>
            {
                ::stateforge::__private::core::__serialize_unit_event(serializer, #enum_name, self.name())
            }
        }
        impl<'de> __sf_serde::Deserialize<'de> for #event_enum {
            fn deserialize<__D: __sf_serde::Deserializer<'de>>(deserializer: __D)
                -> ::core::result::Result<Self, __D::Error>
            {
                const NAMES: &[&str] = &[#(#names),*];
                match ::stateforge::__private::core::__deserialize_unit_event(deserializer, #enum_name, NAMES)? {
                    #(#indices => ::core::result::Result::Ok(Self::#variants),)*
                    // The index is in range: an error, not a panic, if not.
                    _ => ::core::result::Result::Err(
                        <__D::Error as __sf_serde::de::Error>::custom("event index out of range"),
                    ),
                }
            }
        }
    }
}

/// The impls for the state enum, the any-enum and each typed machine.
pub(super) fn expand(m: &Model) -> TokenStream {
    if !enabled() {
        return TokenStream::new();
    }
    let serde = serde_path();
    let (name, any, state_enum) = (&m.name, &m.any, &m.state_enum);
    let context = context_type(m);
    let idents: Vec<_> = m.states.iter().map(|s| &s.ident).collect();
    let tys: Vec<_> = m.states.iter().map(|s| &s.ty).collect();
    let stored: Vec<_> = m.states.iter().map(|s| &s.stored).collect();
    let any_name = any.to_string();
    let state_types: Vec<syn::Type> = m
        .states
        .iter()
        .map(|s| {
            let ty = &s.ty;
            syn::parse_quote!(#ty)
        })
        .collect();
    let context_ty: syn::Type =
        syn::parse2(context.clone()).unwrap_or_else(|_| syn::parse_quote!(()));
    let all_types: Vec<&syn::Type> = std::iter::once(&context_ty).chain(&state_types).collect();
    let (stored_ser, stored_de) = bounds(all_types.iter().copied());
    let ser_all = quote!(#(for<'__sf> #all_types: __sf_serde::Serialize,)*);
    let de_all = quote!(#(for<'__sf> #all_types: __sf_serde::Deserialize<'de>,)*);

    let unit_events = unit_event_impls(m);
    let typed = m.states.iter().map(|s| {
        let (ty, stored) = (&s.ty, &s.stored);
        quote! {
            impl __sf_serde::Serialize for #name<#ty>
            where
                for<'__sf> #context: __sf_serde::Serialize,
                for<'__sf> #ty: __sf_serde::Serialize,
            {
                fn serialize<__S: __sf_serde::Serializer>(&self, serializer: __S)
                    -> ::core::result::Result<__S::Ok, __S::Error>
                {
                    __sf_serialize(serializer, #stored, &self.context, &self.state)
                }
            }
        }
    });

    // What serde's derive writes for a unit struct, with the visitor
    // shared in core: a derive per state was a visitor per state, and
    // most states have no data.
    let unit_states = super::declared_structs(m)
        .into_iter()
        .filter(|s| s.fields.is_empty())
        .map(|s| {
        let ident = s.ident;
        let name = ident.to_string();
        quote! {
            impl __sf_serde::Serialize for #ident {
                fn serialize<__S: __sf_serde::Serializer>(&self, serializer: __S)
                    -> ::core::result::Result<__S::Ok, __S::Error>
                {
                    serializer.serialize_unit_struct(#name)
                }
            }
            impl<'de> __sf_serde::Deserialize<'de> for #ident {
                fn deserialize<__D: __sf_serde::Deserializer<'de>>(deserializer: __D)
                    -> ::core::result::Result<Self, __D::Error>
                {
                    ::stateforge::__private::core::__deserialize_unit_struct(deserializer, #name)
                        .map(|()| #ident)
                }
            }
        }
    });

    quote! {
        const _: () = {
            use #serde as __sf_serde;

            #(#unit_states)*
            #unit_events

            fn __sf_serialize<__S, __C, __T>(serializer: __S, state: &str, context: &__C, data: &__T)
                -> ::core::result::Result<__S::Ok, __S::Error>
            where
                __S: __sf_serde::Serializer,
                __C: __sf_serde::Serialize + ?::core::marker::Sized,
                __T: __sf_serde::Serialize,
            {
                use __sf_serde::ser::SerializeStruct as _;
                let mut st = serializer.serialize_struct(#any_name, 3)?;
                st.serialize_field("state", state)?;
                st.serialize_field("context", context)?;
                st.serialize_field("data", data)?;
                st.end()
            }

            impl __sf_serde::Serialize for #state_enum {
                fn serialize<__S: __sf_serde::Serializer>(&self, serializer: __S)
                    -> ::core::result::Result<__S::Ok, __S::Error>
                {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> __sf_serde::Deserialize<'de> for #state_enum {
                fn deserialize<__D: __sf_serde::Deserializer<'de>>(deserializer: __D)
                    -> ::core::result::Result<Self, __D::Error>
                {
                    let name = <::std::string::String as __sf_serde::Deserialize<'de>>::deserialize(deserializer)?;
                    name.parse().map_err(<__D::Error as __sf_serde::de::Error>::custom)
                }
            }

            impl __sf_serde::Serialize for #any
            where
                #ser_all
            {
                fn serialize<__S: __sf_serde::Serializer>(&self, serializer: __S)
                    -> ::core::result::Result<__S::Ok, __S::Error>
                {
                    match self {
                        #(#any::#idents(m) => __sf_serialize(serializer, #stored, &m.context, &m.state),)*
                    }
                }
            }

            // Newtype variants of one generic body, derived once in core:
            // struct variants made serde write a struct visitor per state.
            #[derive(__sf_serde::Deserialize)]
            #[serde(crate = #SERDE_PATH, tag = "state",
                    bound(serialize = #stored_ser, deserialize = #stored_de))]
            enum __SfStored {
                #(
                    #[serde(rename = #stored)]
                    #idents(::stateforge::__private::core::__StoredBody<#context, #tys>),
                )*
            }

            impl<'de> __sf_serde::Deserialize<'de> for #any
            where
                #de_all
            {
                fn deserialize<__D: __sf_serde::Deserializer<'de>>(deserializer: __D)
                    -> ::core::result::Result<Self, __D::Error>
                {
                    ::core::result::Result::Ok(
                        match <__SfStored as __sf_serde::Deserialize<'de>>::deserialize(deserializer)? {
                            #(__SfStored::#idents(body) =>
                                #any::#idents(#name { context: body.context, state: body.data }),)*
                        },
                    )
                }
            }

            #(#typed)*

            // One impl for every state, through the any-enum, with one
            // bound, the any-enum's, which holds when all of `de_all`
            // does: spelling `de_all` out in an impl per state made the
            // expansion quadratic in the states (a 100-state machine's grew
            // by 200,000 tokens).
            impl<'de, __St> __sf_serde::Deserialize<'de> for #name<__St>
            where
                for<'__sf> #any: __sf_serde::Deserialize<'de>,
                #name<__St>: ::core::convert::TryFrom<
                    #any,
                    Error = ::stateforge::__private::core::WrongState<#any>,
                >,
            {
                fn deserialize<__D: __sf_serde::Deserializer<'de>>(deserializer: __D)
                    -> ::core::result::Result<Self, __D::Error>
                {
                    let any = <#any as __sf_serde::Deserialize<'de>>::deserialize(deserializer)?;
                    <#name<__St> as ::core::convert::TryFrom<#any>>::try_from(any)
                        .map_err(<__D::Error as __sf_serde::de::Error>::custom)
                }
            }
        };
    }
}
