//! A machine's refusal as the store reports it: which of "not allowed",
//! "the guard said no", "a listener vetoed" and "the action failed", with
//! the machine, entity, state and event, so that a caller can answer each
//! differently (an HTTP handler: 409, 422...).

use stateforge_core::{NotAllowed, Refusal};

use super::StoreError;
use super::shared::bad_row;
use crate::DynError;

/// A typed machine's refusal of an event. (The caller knows the entity
/// it fired on.)
pub(crate) fn refused<M, E>(machine: &str, r: &NotAllowed<M, E>) -> StoreError {
    let machine = machine.to_owned();
    let (state, event) = (r.state.to_owned(), r.event_name.to_owned());
    match r.refusal {
        Refusal::NoTransition => StoreError::NotAllowed {
            machine,
            state,
            event,
        },
        Refusal::Guard(guard) => StoreError::GuardRefused {
            machine,
            state,
            event,
            guard: guard.to_owned(),
        },
        Refusal::Guards(guards) => StoreError::GuardsRefused {
            machine,
            state,
            event,
            guards: guards.iter().map(|&g| g.to_owned()).collect(),
        },
    }
}

/// A dynamic machine's refusal of an event on entity `entity_id`.
pub(crate) fn refused_dyn(machine: &str, entity_id: &str, e: DynError) -> StoreError {
    let names = |at: &crate::RefusedAt| {
        (
            machine.to_owned(),
            at.state_name().to_owned(),
            at.event_name().to_owned(),
        )
    };
    match e {
        DynError::UnknownEvent { machine, event } => StoreError::UnknownEvent { machine, event },
        // The state came from the row: a name the definition lacks is the
        // row's fault.
        unknown @ DynError::UnknownState { .. } => bad_row(machine, entity_id, unknown.to_string()),
        DynError::NotAllowed { at } => {
            let (machine, state, event) = names(&at);
            StoreError::NotAllowed {
                machine,
                state,
                event,
            }
        }
        DynError::GuardRefused { at } => {
            let (machine, state, event) = names(&at);
            let mut guards: Vec<String> =
                at.guards_tried().into_iter().map(str::to_owned).collect();
            if guards.len() > 1 {
                StoreError::GuardsRefused {
                    machine,
                    state,
                    event,
                    guards,
                }
            } else {
                StoreError::GuardRefused {
                    machine,
                    state,
                    event,
                    guard: guards.pop().unwrap_or_default(),
                }
            }
        }
        DynError::Vetoed {
            listener, reason, ..
        } => StoreError::Vetoed { listener, reason },
        DynError::ActionFailed { at, message } => StoreError::ActionFailed {
            machine: machine.to_owned(),
            event: at.event_name().to_owned(),
            action: at
                .failed_action()
                .map(|a| a.name.to_owned())
                .unwrap_or_default(),
            message,
        },
    }
}
