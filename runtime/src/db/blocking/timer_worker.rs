//! The loop around [`Store::fire_due`] and [`Store::next_due`] that every
//! application with durable timers would otherwise write: fire what is due,
//! sleep until the next timer or the polling interval, stop when told.

use std::fmt;
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::Store;
use crate::db::StoreError;
use crate::db::due::DueCount;
use crate::dynamic::Bound;
use crate::time::Timestamp;

type FireDue = fn(&Store, Timestamp, usize) -> Result<DueCount, StoreError>;

/// Fires the due timers of some machines on a [`Store`], round after
/// round, until a [`StopSignal`] stops it.
///
/// A round fires every timer due at its start, [`batch`](Self::batch)
/// timers per database transaction, then sleeps until the next timer is
/// due (no sleep if one fell due during the round), or for the
/// [polling interval](Self::poll_interval) if that comes first. The polling interval bounds how late a timer can fire when the
/// worker could not see it coming: one armed (by this process or another)
/// while the worker sleeps, or one behind a timer that another worker has
/// locked. Timers that a round leaves due (an entity this worker cannot
/// restore keeps its timer, see [`Store::fire_due`]) are tried again after
/// the polling interval, not in a busy loop.
///
/// Any number of workers, in any number of processes, can run on one
/// database: each timer fires once.
///
/// ```
/// use std::time::Duration;
/// use stateforge_runtime::db::{TransitionMeta, blocking::{StopSignal, Store, TimerWorker}};
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Breaker {
///         initial state Open;
///         state HalfOpen;
///         event reset: Open -> HalfOpen after 20ms;
///         event trip: HalfOpen -> Open;
///     }
/// }
/// let dir = tempfile::tempdir().unwrap();
/// let store = Store::open(dir.path().join("breakers.db").to_str().unwrap())?;
/// store.create("b", &AnyBreaker::from(Breaker::new()), &TransitionMeta::new())?;
///
/// let worker = TimerWorker::new()
///     .machine::<AnyBreaker>()
///     .poll_interval(Duration::from_millis(100));
/// let stop = StopSignal::new();
/// let fired = std::thread::scope(|s| {
///     let running = s.spawn(|| worker.run(&store, &stop));
///     // (A bounded wait: were the worker to fail, the example ends anyway.)
///     for _ in 0..1000 {
///         if store.load::<AnyBreaker>("b")?.machine.state() != BreakerState::Open {
///             break;
///         }
///         std::thread::sleep(Duration::from_millis(5));
///     }
///     stop.stop();
///     Ok::<_, stateforge_runtime::db::StoreError>(running.join().expect("the worker does not panic"))
/// })?;
/// assert_eq!(fired, 1);
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
#[derive(Clone)]
pub struct TimerWorker {
    machines: Vec<TimedMachine>,
    poll_interval: Duration,
    batch: usize,
    max_backoff: Duration,
}

/// One machine whose timers a worker fires.
#[derive(Clone)]
enum TimedMachine {
    Typed {
        name: &'static str,
        fire_due: FireDue,
    },
    Dynamic(Arc<Bound<serde_json::Value>>),
}

impl TimedMachine {
    fn name(&self) -> &str {
        match self {
            TimedMachine::Typed { name, .. } => name,
            TimedMachine::Dynamic(bound) => bound.definition().name(),
        }
    }

    fn fire_due(
        &self,
        store: &Store,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError> {
        match self {
            TimedMachine::Typed { fire_due, .. } => fire_due(store, now, limit),
            TimedMachine::Dynamic(bound) => store.fire_due_dyn_counted(bound, now, limit),
        }
    }
}

/// What one [`TimerWorker::round`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Round {
    /// Timers fired, as [`Store::fire_due`] counts them (dropped ones, an
    /// event refused or a state already left, are not).
    pub fired: usize,
    /// How long to sleep before the next round: until the next timer not
    /// due when the round looked, at most the polling interval; zero when
    /// one fell due while the round ran.
    pub wait: Duration,
}

impl TimerWorker {
    /// A worker for no machine yet, polling every second, firing up to 100
    /// timers per transaction.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::blocking::TimerWorker::new();
    /// assert_eq!(worker.machines().count(), 0);
    /// ```
    pub fn new() -> TimerWorker {
        TimerWorker {
            machines: Vec::new(),
            poll_interval: Duration::from_secs(1),
            batch: 100,
            max_backoff: Duration::from_secs(30),
        }
    }

    /// Also fires the timers of `M`, a machine declared with
    /// `state_machine!` (its any-enum).
    ///
    /// ```
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Breaker { initial state Open; state HalfOpen; event reset: Open -> HalfOpen after 30s; event trip: HalfOpen -> Open; }
    /// }
    /// let worker = stateforge_runtime::db::blocking::TimerWorker::new().machine::<AnyBreaker>();
    /// assert_eq!(worker.machines().collect::<Vec<_>>(), ["breaker"]);
    /// ```
    #[must_use]
    pub fn machine<M>(mut self) -> TimerWorker
    where
        M: Machine + Serialize + DeserializeOwned,
        M::Event: DeserializeOwned,
    {
        self.machines.push(TimedMachine::Typed {
            name: M::definition().name(),
            fire_due: |store, now, limit| store.fire_due_counted::<M>(now, limit),
        });
        self
    }

    /// Also fires the timers of the dynamic machine `bound` describes, as
    /// [`Store::fire_due_dyn`] does.
    ///
    /// ```
    /// use stateforge_runtime::{Registry, core::Definition, db::blocking::TimerWorker};
    /// let def = Definition::from_json(r#"{"name": "lease",
    ///     "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
    ///     "events": [{"name": "expire", "arms": [{"from": ["held"], "to": "expired"}]}],
    ///     "timers": [{"state": "held", "event": "expire", "after_ms": 60000}]}"#).unwrap();
    /// let bound = Registry::new().bind(def).unwrap();
    /// let worker = TimerWorker::new().definition(bound);
    /// assert_eq!(worker.machines().collect::<Vec<_>>(), ["lease"]);
    /// ```
    #[must_use]
    pub fn definition(mut self, bound: Arc<Bound<serde_json::Value>>) -> TimerWorker {
        self.machines.push(TimedMachine::Dynamic(bound));
        self
    }

    /// The longest sleep between rounds (default one second; at least one
    /// millisecond, so that an idle worker never queries in a busy loop):
    /// how late a timer the worker could not see coming may fire.
    ///
    /// ```
    /// use std::time::Duration;
    /// let worker = stateforge_runtime::db::blocking::TimerWorker::new().poll_interval(Duration::from_millis(250));
    /// ```
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> TimerWorker {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Timers fired per database transaction (default 100; at least 1):
    /// a larger batch commits less often, a smaller one holds its locks
    /// for less time.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::blocking::TimerWorker::new().batch(10);
    /// ```
    #[must_use]
    pub fn batch(mut self, timers: usize) -> TimerWorker {
        self.batch = timers.max(1);
        self
    }

    /// The longest pause [`run`](Self::run) makes after failed rounds
    /// (default 30 seconds; at least one millisecond). After a failure it
    /// waits 50 ms, and twice as long after each further failure in a row,
    /// up to this; a round that succeeds starts over.
    ///
    /// ```
    /// use std::time::Duration;
    /// let worker = stateforge_runtime::db::blocking::TimerWorker::new().max_backoff(Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn max_backoff(mut self, longest: Duration) -> TimerWorker {
        self.max_backoff = longest.max(Duration::from_millis(1));
        self
    }

    /// The names of the machines this worker fires the timers of.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::blocking::TimerWorker::new().machines().next().is_none());
    /// ```
    pub fn machines(&self) -> impl Iterator<Item = &str> {
        self.machines.iter().map(TimedMachine::name)
    }

    /// One round: fires every timer due now, and says how long to sleep
    /// before the next. [`run`](Self::run) is this in a loop; call it
    /// yourself to drive the worker from your own loop or scheduler.
    ///
    /// # Errors
    ///
    /// The database's, as [`Store::fire_due`] returns them. Timers fired
    /// before the error stay fired (each batch is its own transaction).
    ///
    /// ```
    /// use std::time::Duration;
    /// use stateforge_runtime::db::{SqliteStore, blocking::{Store, TimerWorker}};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Breaker { initial state Open; state HalfOpen; event reset: Open -> HalfOpen after 30s; event trip: HalfOpen -> Open; }
    /// }
    /// let store = Store::from(SqliteStore::open_in_memory()?);
    /// let worker = TimerWorker::new().machine::<AnyBreaker>().poll_interval(Duration::from_secs(5));
    /// let round = worker.round(&store)?;
    /// assert_eq!((round.fired, round.wait), (0, Duration::from_secs(5)));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn round(&self, store: &Store) -> Result<Round, StoreError> {
        let mut fired = 0;
        let wait = self.round_counting(store, &mut fired)?;
        Ok(Round { fired, wait })
    }

    /// [`round`](Self::round), adding the timers it fires to `fired` as it
    /// goes, so that those fired before a failure are counted too (each
    /// batch commits on its own); returns how long to sleep.
    fn round_counting(&self, store: &Store, fired: &mut usize) -> Result<Duration, StoreError> {
        // One instant for the whole round: timers that fall due while it
        // runs (armed by its own transitions, say) are the next round's,
        // which starts at once, so a round always ends.
        let now = Timestamp::now();
        let before = *fired;
        let mut wait = self.poll_interval;
        for machine in &self.machines {
            loop {
                let count = machine.fire_due(store, now, self.batch)?;
                *fired += count.fired;
                // A batch that used its whole limit (fired, or dropped)
                // may have left due timers behind it.
                if count.used < self.batch {
                    break;
                }
            }
            // Timers due at `now` that are still there are kept or locked
            // by another worker: they wait for the polling interval. The
            // first one after `now` sets the wake-up.
            if let Some(next) = store.next_due_after(machine.name(), now)? {
                wait = wait.min(crate::db::pace::duration_until(next));
            }
        }
        tracing::debug!(
            fired = *fired - before,
            wait_ms = wait.as_millis(),
            machines = self.machines.len(),
            "timer round"
        );
        Ok(wait)
    }

    /// Runs rounds until `stop` is stopped, sleeping between them; returns
    /// how many timers it fired. A stop ends the sleep at once; a round
    /// under way finishes first.
    ///
    /// A round that fails (the database restarted, a connection cut, a
    /// lock held too long) is logged as a `tracing` warning with its error
    /// and tried again after a pause that grows with each failure in a row
    /// ([`max_backoff`](Self::max_backoff)): only the stop signal ends the
    /// loop. Timers fired before a failure stay fired, and a failed round
    /// writes nothing half-way, so none fires twice. To act on failures
    /// yourself, drive [`round`](Self::round) from a loop of your own.
    ///
    /// See [`TimerWorker`] for an example.
    pub fn run(&self, store: &Store, stop: &StopSignal) -> usize {
        let mut fired = 0;
        let mut failures = 0u32;
        while !stop.is_stopped() {
            let wait = match self.round_counting(store, &mut fired) {
                Ok(wait) => {
                    if failures > 0 {
                        tracing::info!(failures, "timer worker recovered");
                    }
                    failures = 0;
                    wait
                }
                Err(error) => {
                    failures = failures.saturating_add(1);
                    let pause = crate::db::pace::backoff(failures, self.max_backoff);
                    tracing::warn!(
                        %error,
                        retryable = error.is_retryable(),
                        failures,
                        retry_in_ms = pause.as_millis(),
                        "timer round failed; trying again"
                    );
                    pause
                }
            };
            if stop.wait_timeout(wait) {
                break;
            }
        }
        fired
    }
}

impl Default for TimerWorker {
    fn default() -> TimerWorker {
        TimerWorker::new()
    }
}

impl fmt::Debug for TimerWorker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TimerWorker")
            .field("machines", &self.machines().collect::<Vec<_>>())
            .field("poll_interval", &self.poll_interval)
            .field("batch", &self.batch)
            .field("max_backoff", &self.max_backoff)
            .finish()
    }
}

/// Tells a [`TimerWorker::run`] or an
/// [`OutboxWorker::run`](super::OutboxWorker::run) to stop, from any thread. Clones share one
/// signal; once stopped, it stays stopped.
///
/// ```
/// let stop = stateforge_runtime::db::blocking::StopSignal::new();
/// let other = stop.clone();
/// other.stop();
/// assert!(stop.is_stopped());
/// ```
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<(Mutex<bool>, Condvar)>);

impl StopSignal {
    /// A signal not yet stopped.
    ///
    /// ```
    /// assert!(!stateforge_runtime::db::blocking::StopSignal::new().is_stopped());
    /// ```
    pub fn new() -> StopSignal {
        StopSignal::default()
    }

    /// Stops every worker running with this signal: a sleeping one wakes.
    ///
    /// ```
    /// let stop = stateforge_runtime::db::blocking::StopSignal::new();
    /// stop.stop();
    /// assert!(stop.is_stopped());
    /// ```
    pub fn stop(&self) {
        let (stopped, wake) = &*self.0;
        // A worker that panicked while holding the lock cannot have left
        // the flag half-written: it is a bool.
        *stopped.lock().unwrap_or_else(PoisonError::into_inner) = true;
        wake.notify_all();
    }

    /// Whether [`stop`](Self::stop) was called.
    ///
    /// ```
    /// assert!(!stateforge_runtime::db::blocking::StopSignal::new().is_stopped());
    /// ```
    pub fn is_stopped(&self) -> bool {
        *self.0.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Sleeps for `d`, or less if stopped meanwhile; true if stopped: the
    /// sleep between [`TimerWorker::round`]s of a loop of one's own.
    ///
    /// ```
    /// use std::time::Duration;
    /// let stop = stateforge_runtime::db::blocking::StopSignal::new();
    /// assert!(!stop.wait_timeout(Duration::from_millis(1)));
    /// stop.stop();
    /// assert!(stop.wait_timeout(Duration::from_secs(3600)), "at once, once stopped");
    /// ```
    pub fn wait_timeout(&self, d: Duration) -> bool {
        let (stopped, wake) = &*self.0;
        let guard = stopped.lock().unwrap_or_else(PoisonError::into_inner);
        let (guard, _) = wake
            .wait_timeout_while(guard, d, |stopped| !*stopped)
            .unwrap_or_else(PoisonError::into_inner);
        *guard
    }
}
