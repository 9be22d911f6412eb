//! The outbox worker of the blocking API: the async worker's batches, run
//! on the caller's thread.

use std::cell::RefCell;
use std::fmt::Display;
use std::time::Duration;

use super::driver::Driver;
use super::{StopSignal, StoreOn};
use crate::db::backend::Scope;
use crate::db::outbox::deliver;
use crate::db::{OutboxMessage, StoreError};

/// Delivers a [`Store`](super::Store)'s outbox to a handler, at least once and in
/// order per entity, batch after batch, until a [`StopSignal`] stops it:
/// the async [`OutboxWorker`](crate::db::OutboxWorker) for scripts and
/// programs without an async runtime, with the same batches underneath
/// (one transaction each, `FOR UPDATE SKIP LOCKED` on PostgreSQL, the
/// acknowledged messages deleted as it commits). The receiver
/// deduplicates by [`OutboxMessage::key`]: a worker killed mid-batch
/// commits nothing, and its messages are delivered again.
///
/// ```
/// use std::time::Duration;
/// use stateforge_runtime::db::{OutboxMessage, blocking::{OutboxWorker, StopSignal, Store}};
/// let dir = tempfile::tempdir().unwrap();
/// let store = Store::open(dir.path().join("shop.db").to_str().unwrap())?;
/// store.unit(|u| u.enqueue("order", "o-1", "paid", serde_json::json!({"total": 12})))?;
/// let stop = StopSignal::new();
/// let (tx, rx) = std::sync::mpsc::channel();
/// let worker = OutboxWorker::new().poll_interval(Duration::from_millis(20));
/// let delivered = std::thread::scope(|s| {
///     let running = s.spawn(|| {
///         worker.run(&store, |m: OutboxMessage| tx.send(m.topic).map_err(|e| e.to_string()), &stop)
///     });
///     let topic = rx.recv_timeout(Duration::from_secs(10));
///     stop.stop();
///     assert_eq!(topic.as_deref(), Ok("paid"));
///     running.join().expect("the worker does not panic")
/// });
/// assert_eq!(delivered, 1);
/// # Ok::<(), stateforge_runtime::db::StoreError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct OutboxWorker {
    settings: crate::db::OutboxWorker,
}

#[allow(private_bounds)]
impl OutboxWorker {
    /// Batches of 100, an idle outbox polled every 200 ms.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::blocking::OutboxWorker::new();
    /// ```
    #[must_use]
    pub fn new() -> OutboxWorker {
        OutboxWorker::default()
    }

    /// How many messages one transaction claims (at least 1).
    ///
    /// ```
    /// let worker = stateforge_runtime::db::blocking::OutboxWorker::new().batch(500);
    /// ```
    #[must_use]
    pub fn batch(mut self, batch: usize) -> OutboxWorker {
        self.settings = self.settings.batch(batch);
        self
    }

    /// How long an idle worker (or one whose handler or database failed)
    /// waits before it looks again; a stop ends the wait at once.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::blocking::OutboxWorker::new()
    ///     .poll_interval(std::time::Duration::from_millis(50));
    /// ```
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> OutboxWorker {
        self.settings = self.settings.poll_interval(interval);
        self
    }

    /// Delivers one batch; how many messages the handler acknowledged.
    ///
    /// # Errors
    ///
    /// The database's (nothing of the batch is then deleted). A
    /// handler's error is not one: it ends the batch, and is logged.
    ///
    /// ```
    /// use stateforge_runtime::db::{OutboxMessage, blocking::{OutboxWorker, Store}};
    /// let store = Store::open(":memory:")?;
    /// store.unit(|u| u.enqueue("order", "o-1", "paid", serde_json::json!({})))?;
    /// let mut seen = Vec::new();
    /// let n = OutboxWorker::new().deliver_once(&store, |m: OutboxMessage| {
    ///     seen.push(m.key);
    ///     Ok::<(), String>(())
    /// })?;
    /// assert_eq!((n, seen.len()), (1, 1));
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn deliver_once<D: Driver, F, E>(
        &self,
        store: &StoreOn<D>,
        handler: F,
    ) -> Result<usize, StoreError>
    where
        F: FnMut(OutboxMessage) -> Result<(), E>,
        E: Display,
    {
        let handler = RefCell::new(handler);
        Ok(self.deliver_batch(store, &handler)?.0)
    }

    /// The batch's acknowledged count, and whether the handler failed.
    fn deliver_batch<D: Driver, F, E>(
        &self,
        store: &StoreOn<D>,
        handler: &RefCell<F>,
    ) -> Result<(usize, bool), StoreError>
    where
        F: FnMut(OutboxMessage) -> Result<(), E>,
        E: Display,
    {
        // The batch calls the handler once at a time, so the borrow is
        // never held twice.
        let handler = |m: OutboxMessage| std::future::ready((handler.borrow_mut())(m));
        let at_most = self.settings.batch;
        store.run(Scope::Unit, async |w| deliver(w, at_most, &handler).await)
    }

    /// Delivers batches until `stop` is stopped: at once while there are
    /// messages, after the polling interval when there were none, or the
    /// handler or the database failed (logged, then tried again); how
    /// many messages the handler acknowledged. A batch under way finishes
    /// first.
    ///
    /// See [`OutboxWorker`] for an example.
    pub fn run<D: Driver, F, E>(&self, store: &StoreOn<D>, handler: F, stop: &StopSignal) -> usize
    where
        F: FnMut(OutboxMessage) -> Result<(), E>,
        E: Display,
    {
        let handler = RefCell::new(handler);
        let mut delivered = 0;
        while !stop.is_stopped() {
            let pause = match self.deliver_batch(store, &handler) {
                Ok((n, failed)) => {
                    delivered += n;
                    if n > 0 && !failed {
                        continue;
                    }
                    self.settings.poll_interval
                }
                Err(error) => {
                    tracing::warn!(%error, "outbox worker: batch failed; trying again");
                    self.settings.poll_interval
                }
            };
            if stop.wait_timeout(pause) {
                break;
            }
        }
        delivered
    }
}
