//! How a store that fires optimistically notices that an entity is
//! fought over, and fires on it with the row's lock while it is.

use std::hash::{DefaultHasher, Hash, Hasher};
use std::sync::atomic::{AtomicU32, Ordering};

/// Fires on an entity that take the row's lock at once after a race on it
/// was lost: enough that writers crowding one entity wait their turn in
/// the lock's queue nearly every time, and the entity is raced on again
/// once they have long stopped.
const LOCKED_AFTER_A_LOSS: u32 = 256;

/// Entities are remembered by a hash of their id, in this many slots: two
/// entities sharing a slot only make each other take the lock for a while.
const SLOTS: usize = 64;

/// A store's memory of lost races: a fire that lost makes the next fires
/// on its entity take the row's lock at once instead of racing, since
/// another writer on that entity is likely to come again and a lost race
/// costs more round trips than the lock's wait. Other entities race on.
#[derive(Debug)]
pub(crate) struct Contention {
    /// Per slot, the fires left that take the lock before racing again.
    locked: Box<[AtomicU32]>,
}

impl Default for Contention {
    fn default() -> Self {
        Contention {
            locked: (0..SLOTS).map(|_| AtomicU32::new(0)).collect(),
        }
    }
}

impl Contention {
    /// Whether the next fire on `entity_id` races (reads without a lock):
    /// `false` for the fires that follow a lost race on it.
    pub(crate) fn races(&self, entity_id: &str) -> bool {
        // Relaxed: a hint, read and counted down without ordering
        // anything else.
        self.slot(entity_id)
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_err()
    }

    /// A fire on `entity_id` lost its race.
    pub(crate) fn lost(&self, entity_id: &str) {
        self.slot(entity_id)
            .store(LOCKED_AFTER_A_LOSS, Ordering::Relaxed);
    }

    fn slot(&self, entity_id: &str) -> &AtomicU32 {
        let mut hasher = DefaultHasher::new();
        entity_id.hash(&mut hasher);
        // The remainder is below SLOTS, so it fits a usize and indexes.
        let slot = usize::try_from(hasher.finish() % SLOTS as u64).unwrap_or(0);
        &self.locked[slot]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_race_makes_the_next_fires_on_its_entity_lock_then_race_again() {
        let contention = Contention::default();
        assert!(contention.races("hot"));
        contention.lost("hot");
        let other = (0..1000)
            .map(|i| format!("cold-{i}"))
            .find(|id| !std::ptr::eq(contention.slot(id), contention.slot("hot")))
            .unwrap();
        assert!(contention.races(&other), "another entity races on");
        let locked = (0..LOCKED_AFTER_A_LOSS)
            .filter(|_| !contention.races("hot"))
            .count();
        assert_eq!(locked, LOCKED_AFTER_A_LOSS as usize);
        assert!(contention.races("hot"));
    }
}
