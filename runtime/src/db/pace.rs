//! How a timer worker paces itself, async or blocking: how long to sleep
//! until the next timer, and how long to pause after failed rounds.

use std::time::Duration;

use crate::time::Timestamp;

/// The first pause after a failed round; each failure in a row doubles it,
/// up to the worker's `max_backoff`.
const FIRST_BACKOFF: Duration = Duration::from_millis(50);

/// The pause after `failures` failed rounds in a row, at most `longest`.
pub(crate) fn backoff(failures: u32, longest: Duration) -> Duration {
    let doubled = FIRST_BACKOFF.saturating_mul(1 << failures.saturating_sub(1).min(16));
    doubled.min(longest)
}

/// From now until `at`; zero when it has passed.
pub(crate) fn duration_until(at: Timestamp) -> Duration {
    let micros = at.as_micros().saturating_sub(Timestamp::now().as_micros());
    Duration::from_micros(u64::try_from(micros).unwrap_or(0))
}
