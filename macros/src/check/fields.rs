//! Where each field of a transition's target state comes from.

use std::collections::BTreeMap;

use crate::ast::{EventDecl, StateDecl};
use crate::ctxt::Ctxt;
use crate::model::{FieldSource, Transition};

/// Resolves each (event, source) pair and where the target's fields come
/// from. Rule: each field of the target state is an argument of the event
/// or a field of the source state, by name.
pub(super) fn resolve_transitions(
    cx: &mut Ctxt,
    states: &[StateDecl],
    events: &[EventDecl],
) -> Vec<Vec<Transition>> {
    let index: BTreeMap<String, usize> = states
        .iter()
        .enumerate()
        .rev() // the first declaration wins, as in core
        .map(|(i, s)| (s.name.to_string(), i))
        .collect();
    events
        .iter()
        .map(|e| {
            let mut out = Vec::new();
            for arm in &e.arms {
                let Some(&target) = index.get(&arm.target.to_string()) else {
                    continue; // reported by the core rules
                };
                for source_decl in &arm.sources {
                    let source_ident = &source_decl.name;
                    let Some(&source) = index.get(&source_ident.to_string()) else {
                        continue;
                    };
                    let mut fields = Vec::new();
                    for field in &states[target].fields {
                        if let Some(i) = e.args.iter().position(|a| a.name == field.name) {
                            fields.push(FieldSource::Arg(i));
                        } else if let Some(i) =
                            states[source].fields.iter().position(|f| f.name == field.name)
                        {
                            fields.push(FieldSource::Source(i));
                        } else {
                            let ty = &field.ty;
                            cx.error(
                                arm.target.span(),
                                format!(
                                    "state `{}` needs field `{}`, which neither event `{}` nor state `{}` provides; add it to the event's arguments: `event {}({}: {}): ...`",
                                    arm.target,
                                    field.name,
                                    e.name,
                                    source_ident,
                                    e.name,
                                    field.name,
                                    quote::quote!(#ty).to_string().replace(' ', "")
                                ),
                            );
                        }
                    }
                    out.push(Transition {
                        source,
                        target,
                        guard: arm.guard.clone(),
                        action: arm.action.clone(),
                        fields,
                        value: None,
                        exits: Vec::new(),
                        entries: Vec::new(),
                    });
                }
            }
            out
        })
        .collect()
}
