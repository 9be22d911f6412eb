//! Listeners around the transitions of a [`DynMachine`]: the same
//! [`Listeners`] collection as generated machines use, so one set of
//! listeners (and one history log) serves both worlds.

use std::sync::Arc;

use stateforge_core::EventId;

use crate::dyn_error::{DynError, RefusedAt};
use crate::dyn_machine::DynMachine;
use crate::guard_registry::Args;
use crate::listener::{Listeners, TransitionInfo};

impl<C: Clone> Listeners<DynMachine<C>> {
    /// Fires the event named `event` on `machine` with the listeners
    /// around it: before-listeners (in order, the first veto wins) once the
    /// machine has an arm for the event, then the guard and the action, then
    /// after-listeners, whose errors and panics are logged and go no
    /// further.
    ///
    /// # Errors
    ///
    /// A [`DynError`] ([`DynError::Vetoed`] naming the listener); the
    /// machine, context included, is unchanged.
    ///
    /// ```
    /// use stateforge_runtime::{DynError, DynMachine, Listeners, Registry};
    /// let bound = Registry::<u32>::new().guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())?;
    /// let mut task = DynMachine::new(bound, 0);
    /// let mut listeners = Listeners::<DynMachine<u32>>::new();
    /// listeners.before("freeze", |t, _| if t.event == "start" { Err("frozen".into()) } else { Ok(()) });
    /// listeners.fire_dyn(&mut task, "assign", &serde_json::Value::Null, Some("t-1")).unwrap();
    /// let err = listeners.fire_dyn(&mut task, "start", &serde_json::Value::Null, Some("t-1")).unwrap_err();
    /// assert!(matches!(err, DynError::Vetoed { ref listener, .. } if listener == "freeze"));
    /// assert_eq!(task.state_name(), "assigned");
    /// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
    /// ```
    pub fn fire_dyn(
        &self,
        machine: &mut DynMachine<C>,
        event: &str,
        args: &Args,
        entity_id: Option<&str>,
    ) -> Result<(), DynError> {
        let Some(id) = machine.bound().event_id(event) else {
            let def = machine.definition();
            return Err(DynError::UnknownEvent {
                machine: def.name().to_owned(),
                event: event.to_owned(),
            });
        };
        self.fire_dyn_id(machine, id, args, entity_id)
    }

    /// [`fire_dyn`](Self::fire_dyn) with an event resolved beforehand.
    ///
    /// # Errors
    ///
    /// A [`DynError`]; the machine, context included, is unchanged.
    ///
    /// ```
    /// use stateforge_runtime::{DynMachine, Listeners, Registry};
    /// let bound = Registry::<u32>::new().guard("can_retry", |_, _| true)
    ///     .bind(stateforge_core::Definition::example())?;
    /// let mut task = DynMachine::new(bound, 0);
    /// let assign = task.definition().event_id("assign").unwrap();
    /// Listeners::new().fire_dyn_id(&mut task, assign, &serde_json::Value::Null, None).unwrap();
    /// assert_eq!(task.state_name(), "assigned");
    /// # Ok::<(), stateforge_runtime::MissingBehaviour>(())
    /// ```
    pub fn fire_dyn_id(
        &self,
        machine: &mut DynMachine<C>,
        event: EventId,
        args: &Args,
        entity_id: Option<&str>,
    ) -> Result<(), DynError> {
        let from = machine.state();
        let bound = machine.bound().clone();
        let def = bound.definition();
        if let Some(arm) = def.transition(from, event) {
            let info = TransitionInfo {
                machine: def.name(),
                entity_id,
                event: def.event_name(event),
                from: def.state_name(from),
                to: def.state_name(arm.to),
            };
            if let Err((listener, reason)) = self.veto(&info, machine) {
                // The arm exists: its state and event are the definition's.
                let at = RefusedAt::known(Arc::clone(&bound.definition), from, event);
                return Err(DynError::Vetoed {
                    at,
                    listener,
                    reason,
                });
            }
        }
        // No arm: `fire_id` reports it, with the same error as without listeners.
        machine.fire_id(event, args)?;
        let info = TransitionInfo {
            machine: def.name(),
            entity_id,
            event: def.event_name(event),
            from: def.state_name(from),
            to: def.state_name(machine.state()),
        };
        self.notify(&info, machine);
        Ok(())
    }
}
