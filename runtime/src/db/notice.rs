//! The after-listeners of a unit's transitions, told once the unit has
//! committed: a unit keeps a notice per transition and runs them, in
//! order, after its commit; a unit rolled back drops them.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use crate::db::{Fired, StoreError, TransitionMeta};
use crate::listener::Listeners;

/// The notice of `fired` for `listeners`' after-listeners, if it has
/// any. The machine is kept in its stored form (so it need not be
/// `Clone`) and rebuilt for the listeners.
pub(crate) fn after_commit<'c, M>(
    listeners: &'c Listeners<M>,
    fired: &Fired<M>,
    meta: &TransitionMeta,
) -> Result<Option<impl FnOnce() + use<'c, M>>, StoreError>
where
    M: Machine + Serialize + DeserializeOwned + 'c,
{
    if !listeners.has_after() || fired.replayed {
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
                listeners.notify(&info, &entered);
            }
            Err(error) => {
                tracing::warn!(machine, entity_id, %error,
                "after-listeners not told: the machine does not read back");
            }
        }
    }))
}
