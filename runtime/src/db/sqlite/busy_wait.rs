//! How a connection waits for another's lock. SQLite's own busy timeout
//! sleeps longer the longer a caller has waited, so
//! under contention a newcomer, trying again within a millisecond, takes
//! the lock ahead of callers that have waited for seconds. Here every
//! waiter tries again at the same short pace until its operation's
//! deadline, so the lock goes to waiters more evenly.

use std::cell::Cell;
use std::time::{Duration, Instant};

use rusqlite::Connection;

thread_local! {
    /// When the operation under way on this thread stops waiting.
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
}

/// The pause between two tries for a lock.
const PAUSE: Duration = Duration::from_micros(500);

/// SQLite's busy handler: called on the thread of the statement that
/// waits, with the number of tries so far.
fn wait_a_little(_tries: i32) -> bool {
    match DEADLINE.get() {
        Some(deadline) if Instant::now() + PAUSE < deadline => {
            std::thread::sleep(PAUSE);
            true
        }
        _ => false,
    }
}

/// Makes `conn` wait for locks as this module does.
pub(super) fn install(conn: &Connection) -> rusqlite::Result<()> {
    conn.busy_handler(Some(wait_a_little))
}

/// The deadline of the operation that holds it, this thread's until
/// dropped (then the enclosing one's again).
pub(crate) struct Deadline(Option<Instant>);

impl Deadline {
    /// Statements on this thread wait for locks until `timeout` from now.
    pub(crate) fn start(timeout: Duration) -> Deadline {
        // A timeout past any instant the clock can hold waits a year: `None`
        // means "outside any operation", which does not wait.
        const A_YEAR: Duration = Duration::from_secs(365 * 24 * 3600);
        let until = Instant::now().checked_add(timeout.min(A_YEAR));
        Deadline(DEADLINE.replace(until))
    }
}

impl Deadline {
    /// The deadline `until`, already computed (an operation's, run on a
    /// thread other than the one that started it).
    pub(crate) fn until(until: Option<Instant>) -> Deadline {
        Deadline(DEADLINE.replace(until))
    }
}

impl Drop for Deadline {
    fn drop(&mut self) {
        DEADLINE.set(self.0);
    }
}
