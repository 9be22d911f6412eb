//! The after-listeners of a unit's transitions, told once the unit has
//! committed: a unit keeps a notice per transition and runs them, in
//! order, after its commit; a unit rolled back drops them.

use std::borrow::Borrow;
use std::cell::RefCell;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use crate::db::{Fired, StoreError, TransitionMeta};
use crate::listener::Listeners;

/// The notice of `fired` for `listeners`' after-listeners, if it has
/// any: `listeners` borrowed (by the async unit, which lives no longer
/// than they do) or owned (a shared copy, kept by a blocking unit). The
/// machine is kept in its stored form (so it need not be `Clone`) and
/// rebuilt for the listeners.
pub(crate) fn after_commit<M, L>(
    listeners: L,
    fired: &Fired<M>,
    meta: &TransitionMeta,
) -> Result<Option<impl FnOnce() + use<M, L>>, StoreError>
where
    M: Machine + Serialize + DeserializeOwned,
    L: Borrow<Listeners<M>>,
{
    if !listeners.borrow().has_after() || fired.replayed {
        return Ok(None);
    }
    let stored = crate::stored::to_stored(&fired.loaded.machine)?;
    let (machine, event, from, to) = (fired.machine, fired.event, fired.from, fired.to);
    let entity_id = fired.loaded.entity_id.clone();
    let meta = meta.clone();
    Ok(Some(move || {
        match crate::stored::from_stored::<M>(stored) {
            Ok(entered) => {
                let info = crate::TransitionInfo::new(machine, Some(&entity_id), event, from, to)
                    .with_meta(&meta);
                listeners.borrow().notify(&info, &entered);
            }
            Err(error) => {
                tracing::warn!(machine, entity_id, %error,
                "after-listeners not told: the machine does not read back");
            }
        }
    }))
}

/// The notices a blocking unit keeps until it has committed, in order.
#[derive(Default)]
pub(crate) struct Notices(RefCell<Vec<Box<dyn FnOnce()>>>);

impl Notices {
    /// Keeps the notice of `fired` for the after-listeners of
    /// `listeners`, if it has any, with a shared copy of them: the unit's
    /// closure may end before the listeners it borrowed.
    pub(crate) fn keep<M>(
        &self,
        listeners: &Listeners<M>,
        fired: &Fired<M>,
        meta: &TransitionMeta,
    ) -> Result<(), StoreError>
    where
        M: Machine + Serialize + DeserializeOwned,
    {
        if let Some(notice) = after_commit(listeners.share(), fired, meta)? {
            self.0.borrow_mut().push(Box::new(notice));
        }
        Ok(())
    }

    /// Tells every kept notice, in order: the unit has committed. Each
    /// listener's error or panic is caught and logged, as
    /// [`Listeners::notify`] does.
    pub(crate) fn tell(self) {
        for notice in self.0.into_inner() {
            notice();
        }
    }
}
