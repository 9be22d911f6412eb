//! A machine with compound states, as the typed API sees it: core's
//! flattening of the declaration into configurations, each one typed
//! machine state, and its transitions with where each field of the state
//! entered comes from.

use stateforge_core::{Definition, MachineSpec};

use crate::ast::{EventDecl, StateDecl};
use crate::ctxt::Ctxt;
use crate::model::{FieldSource, Transition};

/// The flattened machine: per configuration, the declared leaf it is in
/// (by index in the flat list of declared states), and per event its
/// transitions between configurations, in core's order (alternatives of
/// one source side by side, in the order tried).
pub(crate) struct Flattened {
    /// The leaf of each configuration, in state id order.
    pub(crate) leaves: Vec<usize>,
    /// Per event, its transitions; `source` and `target` index `leaves`.
    pub(crate) transitions: Vec<Vec<Transition>>,
}

// Rules: the typed API has one type per configuration, so each holds one
// leaf (no parallel state) and no memory of a history state; each field
// of the leaf a transition enters is an argument of the event or a field
// of the leaf it leaves, by name.
pub(super) fn flatten(
    cx: &mut Ctxt,
    spec: &MachineSpec,
    states: &[StateDecl],
    events: &[EventDecl],
) -> Option<Flattened> {
    let mut supported = true;
    for s in states {
        let unsupported = s
            .parallel
            .as_ref()
            .map(|keyword| (keyword, "parallel states"))
            .or_else(|| s.history.as_ref().map(|keyword| (keyword, "history")));
        if let Some((keyword, what)) = unsupported {
            cx.error(
                keyword.span(),
                format!(
                    "{what} are not supported by typed machines yet; declare the machine as a \
                     `Definition` and fire it as a `DynMachine`, or write the states without `{keyword}`"
                ),
            );
            supported = false;
        }
    }
    if !supported {
        return None;
    }
    // The graph rules passed, so core flattens the spec; a refusal here
    // was reported with them.
    let definition = Definition::new(spec.clone()).ok()?;
    let leaves: Vec<usize> = definition
        .states()
        .map(|id| definition.leaves(id)[0])
        .collect();
    let transitions = events
        .iter()
        .enumerate()
        .map(|(ei, e)| {
            let mut out = Vec::new();
            for (ti, t) in definition.transitions().iter().enumerate() {
                if t.event.index() != ei {
                    continue;
                }
                let origin = definition.arms_of(ti)[0];
                let arm = &e.arms[origin.arm];
                let (source, target) = (t.from.index(), t.to.index());
                let (source_leaf, target_leaf) = (&states[leaves[source]], &states[leaves[target]]);
                let mut fields = Vec::new();
                for field in &target_leaf.fields {
                    if let Some(i) = e.args.iter().position(|a| a.name == field.name) {
                        fields.push(FieldSource::Arg(i));
                    } else if let Some(i) =
                        source_leaf.fields.iter().position(|f| f.name == field.name)
                    {
                        fields.push(FieldSource::Source(i));
                    } else {
                        let ty = &field.ty;
                        let entered = if target_leaf.name == arm.target {
                            String::new()
                        } else {
                            format!(", entered by `{}`", arm.target)
                        };
                        cx.error(
                            arm.target.span(),
                            format!(
                                "state `{}`{entered} needs field `{}`, which neither event `{}` nor state `{}` provides; add it to the event's arguments: `event {}({}: {}): ...`",
                                target_leaf.name,
                                field.name,
                                e.name,
                                source_leaf.name,
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
                });
            }
            out
        })
        .collect();
    Some(Flattened {
        leaves,
        transitions,
    })
}
