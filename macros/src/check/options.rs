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
            rest.push(attr);
        }
    }
    (docs, rest, checks)
}
