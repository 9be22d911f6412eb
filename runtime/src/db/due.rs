//! What a due timer does, the same on every backend: the backends claim
//! timers and write transitions; what to do with one claimed timer is
//! decided here.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use std::sync::Arc;

use crate::db::shared::{check_movable, restore, restore_dyn};
use crate::db::{EntityRow, Loaded};
use crate::dynamic::{Bound, DynMachine};
use crate::stored::{Stored, to_stored};

type Json = serde_json::Value;

/// A timer row, as claimed.
pub(crate) struct DueTimer {
    pub(crate) id: i64,
    pub(crate) entity_id: String,
    /// The state that armed it: it fires only while the entity is there.
    pub(crate) state: String,
    pub(crate) event: String,
    pub(crate) due_at: i64,
}

/// What to do with a claimed timer.
pub(crate) enum TimerStep {
    /// The entity is gone or left the timer's state: the timer is used up,
    /// unfired. (Leaving a state deletes its timers in the same
    /// transaction; this is the guard for rows written past the store.)
    Stale,
    /// The row does not restore as the machine (another definition, data
    /// that does not fit), its version is the last one (see
    /// `check_movable`), or the machine it moves to cannot be written:
    /// the timer stays, for a worker whose definition can fire it, and the
    /// batch goes on with the others. Logged.
    Kept,
    /// The event cannot be built from its name, or the machine refuses it:
    /// the timer is used up, unfired. Logged.
    Dropped,
    /// The transition to write: from the row at `version`, to `stored`.
    Fire {
        version: u64,
        /// The row's session, for SQLite's write; PostgreSQL's statement
        /// reads it from the row it updates.
        #[cfg_attr(not(feature = "sqlite"), allow(dead_code))]
        session: Option<String>,
        stored: Stored,
    },
}

impl TimerStep {
    /// Decides what `timer` does to the entity's `row` (`None`: no such
    /// entity), a machine `M`. Everything that can fail is done here,
    /// before the caller deletes the timer: after that, only the
    /// transition's own write is left.
    pub(crate) fn of<M>(timer: &DueTimer, row: Option<EntityRow>) -> TimerStep
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        let machine = M::definition().name();
        let (entity_id, event_name) = (&timer.entity_id, &timer.event);
        let row = match row {
            Some(row) if row.state == timer.state => row,
            _ => return TimerStep::Stale,
        };
        let session = row.session.clone();
        let loaded: Loaded<M> = match restore(row).and_then(|loaded| {
            check_movable(machine, entity_id, loaded.version)?;
            Ok(loaded)
        }) {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::warn!(machine, %entity_id, event = %event_name, %error,
                    "timer's entity cannot be restored; the timer is kept");
                return TimerStep::Kept;
            }
        };
        let event =
            match serde_json::from_value::<M::Event>(serde_json::json!({ "event": event_name })) {
                Ok(event) => event,
                Err(error) => {
                    tracing::warn!(machine, %entity_id, event = %event_name, %error,
                    "timer event cannot be built; dropped");
                    return TimerStep::Dropped;
                }
            };
        let next = match loaded.machine.fire(event) {
            Ok(next) => next,
            Err(refused) => {
                tracing::warn!(machine, %entity_id, %refused, "timer event refused; dropped");
                return TimerStep::Dropped;
            }
        };
        match to_stored(&next) {
            Ok(stored) => TimerStep::Fire {
                version: loaded.version,
                session,
                stored,
            },
            Err(error) => {
                tracing::warn!(machine, %entity_id, event = %event_name, %error,
                    "the machine a timer moves to cannot be written; the timer is kept");
                TimerStep::Kept
            }
        }
    }
}

impl TimerStep {
    /// [`TimerStep::of`] for a dynamic machine of `bound`'s definition:
    /// the timer's event is fired by name, without arguments, through the
    /// bound guards and actions; a refusal of any kind drops it.
    pub(crate) fn of_dyn(
        bound: &Arc<Bound<Json>>,
        timer: &DueTimer,
        row: Option<EntityRow>,
    ) -> TimerStep {
        let def = bound.definition();
        let (machine, entity_id, event) = (def.name(), &timer.entity_id, &timer.event);
        let row = match row {
            Some(row) if row.state == timer.state => row,
            _ => return TimerStep::Stale,
        };
        let session = row.session.clone();
        let restored = restore_dyn(bound, row).and_then(|loaded| {
            check_movable(machine, entity_id, loaded.version)?;
            Ok(loaded)
        });
        let mut loaded: Loaded<DynMachine<Json>> = match restored {
            Ok(loaded) => loaded,
            Err(error) => {
                tracing::warn!(machine, %entity_id, %event, %error,
                    "timer's entity cannot be restored; the timer is kept");
                return TimerStep::Kept;
            }
        };
        if let Err(refused) = loaded.machine.fire(event, &Json::Null) {
            tracing::warn!(machine, %entity_id, %refused, "timer event refused; dropped");
            return TimerStep::Dropped;
        }
        TimerStep::Fire {
            version: loaded.version,
            session,
            stored: Stored {
                machine: machine.to_owned(),
                state: loaded.machine.state_name().to_owned(),
                data: loaded.machine.context().clone(),
                fingerprint: def.fingerprint(),
            },
        }
    }
}

/// Where the next page of due timers starts: after `(due_at, id)`, in the
/// order timers are claimed. Paging by key, not by offset, so that timers
/// kept (unloadable) or skipped on one page are not read again on the next.
#[derive(Clone, Copy)]
pub(crate) struct DueCursor {
    pub(crate) due_at: i64,
    pub(crate) id: i64,
}

impl DueCursor {
    /// Before every timer.
    pub(crate) const START: DueCursor = DueCursor {
        due_at: i64::MIN,
        id: i64::MIN,
    };

    /// After `timer`.
    pub(crate) fn after(timer: &DueTimer) -> DueCursor {
        DueCursor {
            due_at: timer.due_at,
            id: timer.id,
        }
    }
}

/// What one call of `fire_due` did with its limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct DueCount {
    /// Timers fired.
    pub(crate) fired: usize,
    /// Timers used up, fired or not: when it reaches the limit, more may
    /// be due.
    pub(crate) used: usize,
}
