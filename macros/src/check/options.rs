//! The machine's attributes: doc comments, attributes passed on to the
//! generated types, and the `#[stateforge(...)]` options.

use stateforge_core::Checks;
use syn::Attribute;

use crate::ctxt::Ctxt;

/// Splits the machine's attributes into doc comments, attributes for the
/// generated types, and the `#[stateforge(...)]` options.
pub(super) fn split_machine_attrs(
    cx: &mut Ctxt,
    attrs: Vec<Attribute>,
) -> (Vec<Attribute>, Vec<Attribute>, Checks) {
    let mut docs = Vec::new();
    let mut rest = Vec::new();
    let mut checks = Checks::default();
    for attr in attrs {
        if attr.path().is_ident("doc") {
            docs.push(attr);
        } else if attr.path().is_ident("stateforge") {
            let parsed = attr.parse_nested_meta(|meta| {
                let option = ["allow_unreachable", "allow_dead_ends"]
                    .into_iter()
                    .find(|o| meta.path.is_ident(o));
                if let Some(option) = option
                    && (meta.input.peek(syn::Token![=]) || meta.input.peek(syn::token::Paren))
                {
                    return Err(meta.error(format!(
                        "`{option}` takes no value; write `#[stateforge({option})]`"
                    )));
                }
                if meta.path.is_ident("allow_unreachable") {
                    checks.unreachable = false;
                    Ok(())
                } else if meta.path.is_ident("allow_dead_ends") {
                    checks.dead_ends = false;
                    Ok(())
                } else {
                    Err(meta.error(
                        "unknown stateforge option; expected `allow_unreachable` or `allow_dead_ends`",
                    ))
                }
            });
            if let Err(e) = parsed {
                cx.error(e.span(), e);
            }
        } else {
            if attr.path().is_ident("derive") {
                check_derive(cx, &attr);
            }
            rest.push(attr);
        }
    }
    (docs, rest, checks)
}

/// Rule: with the `serde` feature, the machine's types get serde's impls
/// from stateforge (the state checked on the way in); a derive of them
/// would write each impl twice, which rustc reports once per type.
fn check_derive(cx: &mut Ctxt, attr: &Attribute) {
    if !cfg!(feature = "serde") {
        return;
    }
    let Ok(paths) = attr.parse_args_with(
        syn::punctuated::Punctuated::<syn::Path, syn::Token![,]>::parse_terminated,
    ) else {
        return;
    };
    for path in paths {
        let Some(last) = path.segments.last() else {
            continue;
        };
        if last.ident == "Serialize" || last.ident == "Deserialize" {
            cx.error(
                syn::spanned::Spanned::span(&path),
                format!(
                    "stateforge writes `{}` for the machine's types itself (its `serde` feature); remove it from this derive",
                    last.ident
                ),
            );
        }
    }
}

/// Rule: `#[stateforge(...)]` belongs on the machine; on a state, an event
/// or a field it would reach the generated code, where rustc knows no such
/// attribute.
pub(super) fn check_misplaced_options(
    cx: &mut Ctxt,
    states: &[crate::ast::StateDecl],
    events: &[crate::ast::EventDecl],
) {
    let fields = states
        .iter()
        .flat_map(|s| &s.fields)
        .chain(events.iter().flat_map(|e| &e.args));
    let attrs = states
        .iter()
        .flat_map(|s| &s.attrs)
        .chain(events.iter().flat_map(|e| &e.attrs))
        .chain(fields.flat_map(|f| &f.attrs));
    for attr in attrs {
        if attr.path().is_ident("stateforge") {
            cx.error(
                syn::spanned::Spanned::span(attr.path()),
                "`#[stateforge(...)]` options apply to the whole machine; move this attribute above `machine`",
            );
        }
    }
}
