//! The async timer worker: a tokio task that fires the due timers of
//! some machines, round after round, until its cancellation token is
//! cancelled.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;
use tokio_util::sync::CancellationToken;

use super::Store;
use crate::db::StoreError;
use crate::db::blocking::Round;
use crate::db::due::DueCount;
use crate::dynamic::Bound;
use crate::time::Timestamp;

type Json = serde_json::Value;

type FireDue =
    for<'s> fn(
        &'s Store,
        Timestamp,
        usize,
    ) -> Pin<Box<dyn Future<Output = Result<DueCount, StoreError>> + Send + 's>>;

/// One machine whose timers a worker fires.
#[derive(Clone)]
enum TimedMachine {
    Typed {
        name: &'static str,
        fire_due: FireDue,
    },
    Dynamic(Arc<Bound<Json>>),
}

impl TimedMachine {
    fn name(&self) -> &str {
        match self {
            TimedMachine::Typed { name, .. } => name,
            TimedMachine::Dynamic(bound) => bound.definition().name(),
        }
    }

    async fn fire_due(
        &self,
        store: &Store,
        now: Timestamp,
        limit: usize,
    ) -> Result<DueCount, StoreError> {
        match self {
            TimedMachine::Typed { fire_due, .. } => fire_due(store, now, limit).await,
            TimedMachine::Dynamic(bound) => store.fire_due_dyn_counted(bound, now, limit).await,
        }
    }
}

/// Fires the due timers of some machines on a [`Store`], round after
/// round, as a task of its own, until a [`CancellationToken`] is
/// cancelled.
///
/// A round fires every timer due at its start, [`batch`](Self::batch)
/// timers per transaction, then sleeps until the next timer is due, or
/// for the [polling interval](Self::poll_interval) if that comes first:
/// the interval bounds how late a timer armed by another process fires.
/// Any number of workers, in any number of processes, can run on one
/// database: each timer fires once.
///
/// ```
/// use std::time::Duration;
/// use stateforge_runtime::db::{Store, TimerWorker, TransitionMeta};
/// use tokio_util::sync::CancellationToken;
/// stateforge::state_machine! {
///     #[derive(Debug)]
///     machine Breaker {
///         initial state Open;
///         state HalfOpen;
///         event reset: Open -> HalfOpen after 20ms;
///         event trip: HalfOpen -> Open;
///     }
/// }
/// # #[tokio::main]
/// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
/// let store = Store::in_memory().await?;
/// store.create("b", &AnyBreaker::from(Breaker::new()), &TransitionMeta::new()).await?;
/// let stop = CancellationToken::new();
/// let worker = TimerWorker::new()
///     .machine::<AnyBreaker>()
///     .poll_interval(Duration::from_millis(100));
/// let running = tokio::spawn(worker.run(store.clone(), stop.clone()));
/// // (A bounded wait: were the worker to fail, the example ends anyway.)
/// for _ in 0..1000 {
///     if store.load::<AnyBreaker>("b").await?.machine.state() != BreakerState::Open {
///         break;
///     }
///     tokio::time::sleep(Duration::from_millis(5)).await;
/// }
/// stop.cancel();
/// assert_eq!(running.await.expect("the worker does not panic"), 1);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct TimerWorker {
    machines: Vec<TimedMachine>,
    poll_interval: Duration,
    batch: usize,
    max_backoff: Duration,
}

impl std::fmt::Debug for TimerWorker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TimerWorker")
            .field("machines", &self.machines().collect::<Vec<_>>())
            .field("poll_interval", &self.poll_interval)
            .field("batch", &self.batch)
            .field("max_backoff", &self.max_backoff)
            .finish()
    }
}

impl Default for TimerWorker {
    fn default() -> TimerWorker {
        TimerWorker::new()
    }
}

impl TimerWorker {
    /// A worker for no machine yet, polling every second, firing up to 100
    /// timers per transaction, pausing at most 30 seconds after failures.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::TimerWorker::new().machines().count(), 0);
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
    /// let worker = stateforge_runtime::db::TimerWorker::new().machine::<AnyBreaker>();
    /// assert_eq!(worker.machines().collect::<Vec<_>>(), ["breaker"]);
    /// ```
    #[must_use]
    pub fn machine<M>(mut self) -> TimerWorker
    where
        M: Machine + Serialize + DeserializeOwned + Send + Sync,
        M::Event: DeserializeOwned + Send,
    {
        self.machines.push(TimedMachine::Typed {
            name: M::definition().name(),
            fire_due: |store, now, limit| Box::pin(store.fire_due_counted::<M>(now, limit)),
        });
        self
    }

    /// Also fires the timers of the dynamic machine `bound` describes.
    ///
    /// ```
    /// use stateforge_runtime::{Registry, core::Definition, db::TimerWorker};
    /// let def = Definition::from_json(r#"{"name": "lease",
    ///     "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
    ///     "events": [{"name": "expire", "arms": [{"from": ["held"], "to": "expired"}]}],
    ///     "timers": [{"state": "held", "event": "expire", "after_ms": 60000}]}"#).unwrap();
    /// let bound = Registry::new().bind(def).unwrap();
    /// assert_eq!(TimerWorker::new().definition(bound).machines().collect::<Vec<_>>(), ["lease"]);
    /// ```
    #[must_use]
    pub fn definition(mut self, bound: Arc<Bound<Json>>) -> TimerWorker {
        self.machines.push(TimedMachine::Dynamic(bound));
        self
    }

    /// The longest sleep between rounds (default one second; at least one
    /// millisecond).
    ///
    /// ```
    /// let worker = stateforge_runtime::db::TimerWorker::new()
    ///     .poll_interval(std::time::Duration::from_millis(250));
    /// ```
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> TimerWorker {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Timers fired per transaction (default 100; at least 1).
    ///
    /// ```
    /// let worker = stateforge_runtime::db::TimerWorker::new().batch(10);
    /// ```
    #[must_use]
    pub fn batch(mut self, timers: usize) -> TimerWorker {
        self.batch = timers.max(1);
        self
    }

    /// The longest pause after failed rounds (default 30 seconds; at least
    /// one millisecond): 50 ms after a failure, twice as long after each
    /// further one in a row, up to this.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::TimerWorker::new()
    ///     .max_backoff(std::time::Duration::from_secs(5));
    /// ```
    #[must_use]
    pub fn max_backoff(mut self, longest: Duration) -> TimerWorker {
        self.max_backoff = longest.max(Duration::from_millis(1));
        self
    }

    /// The names of the machines this worker fires the timers of.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::TimerWorker::new().machines().next().is_none());
    /// ```
    pub fn machines(&self) -> impl Iterator<Item = &str> {
        self.machines.iter().map(TimedMachine::name)
    }

    /// One round: fires every timer due now, and says how long to sleep
    /// before the next. [`run`](Self::run) is this in a
    /// loop.
    ///
    /// # Errors
    ///
    /// The database's. Timers fired before the error stay fired (each
    /// batch is its own transaction).
    ///
    /// ```
    /// use std::time::Duration;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), stateforge_runtime::db::StoreError> {
    /// let store = stateforge_runtime::db::Store::in_memory().await?;
    /// let worker = stateforge_runtime::db::TimerWorker::new().poll_interval(Duration::from_secs(5));
    /// let round = worker.round(&store).await?;
    /// assert_eq!((round.fired, round.wait), (0, Duration::from_secs(5)));
    /// # Ok(())
    /// # }
    /// ```
    pub async fn round(&self, store: &Store) -> Result<Round, StoreError> {
        let mut fired = 0;
        let wait = self.round_counting(store, &mut fired).await?;
        Ok(Round { fired, wait })
    }

    async fn round_counting(
        &self,
        store: &Store,
        fired: &mut usize,
    ) -> Result<Duration, StoreError> {
        // One instant for the whole round: timers that fall due while it
        // runs are the next round's, which starts at once.
        let now = Timestamp::now();
        let before = *fired;
        let mut wait = self.poll_interval;
        for machine in &self.machines {
            loop {
                let count = machine.fire_due(store, now, self.batch).await?;
                *fired += count.fired;
                // A batch that used its whole limit may have left due
                // timers behind it.
                if count.used < self.batch {
                    break;
                }
            }
            // Timers due at `now` that are still there are kept or locked
            // by another worker: they wait for the polling interval.
            if let Some(next) = store.next_due_after(machine.name(), now).await? {
                wait = wait.min(crate::db::pace::duration_until(next));
            }
        }
        tracing::debug!(
            fired = *fired - before,
            wait_ms = wait.as_millis(),
            "timer round"
        );
        Ok(wait)
    }

    /// Runs rounds until `stop` is cancelled; how many timers fired. A
    /// cancellation ends the sleep at once and drops a round under way,
    /// which leaves nothing half-written (each batch commits or rolls back
    /// whole). A failed round is logged and retried after a pause that
    /// grows with each failure in a row ([`max_backoff`](Self::max_backoff)).
    ///
    /// See [`TimerWorker`] for an example.
    pub async fn run(self, store: Store, stop: CancellationToken) -> usize {
        let mut fired = 0;
        let mut failures = 0u32;
        while !stop.is_cancelled() {
            let round = stop
                .run_until_cancelled(self.round_counting(&store, &mut fired))
                .await;
            let wait = match round {
                None => break,
                Some(Ok(wait)) => {
                    if failures > 0 {
                        tracing::info!(failures, "timer worker recovered");
                    }
                    failures = 0;
                    wait
                }
                Some(Err(error)) => {
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
            if stop
                .run_until_cancelled(tokio::time::sleep(wait))
                .await
                .is_none()
            {
                break;
            }
        }
        fired
    }
}
