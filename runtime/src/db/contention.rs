//! How a store that fires optimistically notices that its entities are
//! fought over, and fires with the row's lock while they are.

use std::sync::atomic::{AtomicU32, Ordering};

/// Fires that take the row's lock at once after a race was lost: long
/// enough that writers crowding one entity mostly wait their turn in the
/// lock's queue, short enough that the store races again soon after they
/// stop.
const LOCKED_AFTER_A_LOSS: u32 = 32;

/// A store's memory of lost races: a fire that lost makes the store's
/// next fires take the row's lock at once instead of racing, since
/// another writer on that entity is likely to come again, and a lost race
/// costs more round trips than the lock's wait.
#[derive(Debug, Default)]
pub(crate) struct Contention {
    /// Fires left that take the lock before racing again.
    locked: AtomicU32,
}

impl Contention {
    /// Whether the next fire races (reads without a lock): `false` for the
    /// fires that follow a lost race.
    pub(crate) fn races(&self) -> bool {
        // Relaxed: a hint, read and counted down without ordering
        // anything else.
        self.locked
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
            .is_err()
    }

    /// A fire lost its race.
    pub(crate) fn lost(&self) {
        self.locked.store(LOCKED_AFTER_A_LOSS, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_race_makes_the_next_fires_lock_then_race_again() {
        let contention = Contention::default();
        assert!(contention.races());
        contention.lost();
        let locked = (0..LOCKED_AFTER_A_LOSS)
            .filter(|_| !contention.races())
            .count();
        assert_eq!(locked, LOCKED_AFTER_A_LOSS as usize);
        assert!(contention.races());
    }
}
