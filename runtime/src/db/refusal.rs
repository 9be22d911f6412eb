//! A machine's refusal as the store reports it: which of "not allowed",
//! "the guard said no", "a listener vetoed" and "the action failed", with
//! the machine, entity, state and event, so that a caller can answer each
//! differently (an HTTP handler: 409, 422...).

use stateforge_core::{NotAllowed, Refusal};

use super::StoreError;
use super::shared::shown_entity_id;
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
    }
}

/// A dynamic machine's refusal of an event on entity `entity_id`.
pub(crate) fn refused_dyn(machine: &str, entity_id: &str, e: DynError) -> StoreError {
    let machine = machine.to_owned();
    let Some(at) = e.refused_at() else {
        return match e {
            DynError::UnknownEvent { machine, event } => {
                StoreError::UnknownEvent { machine, event }
            }
            other => StoreError::BadRow {
                what: other.to_string(),
                entity_id: shown_entity_id(entity_id),
                machine,
            },
        };
    };
    let (state, event) = (at.state_name().to_owned(), at.event_name().to_owned());
    let guard = at.guard().unwrap_or_default().to_owned();
    let action = at.action().unwrap_or_default().to_owned();
    match e {
        DynError::GuardRefused { .. } => StoreError::GuardRefused {
            machine,
            state,
            event,
            guard,
        },
        DynError::Vetoed {
            listener, reason, ..
        } => StoreError::Vetoed { listener, reason },
        DynError::ActionFailed { message, .. } => StoreError::ActionFailed {
            machine,
            event,
            action,
            message,
        },
        _ => StoreError::NotAllowed {
            machine,
            state,
            event,
        },
    }
}
