//! The async outbox worker: one [`deliver`] per transaction, batch after
//! batch, until cancelled.

use std::future::Future;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use super::OutboxMessage;
use super::delivery::deliver;
use crate::db::backend::Scope;
use crate::db::{Store, StoreError};

/// Delivers the outbox's messages to a handler, at least once and in
/// order per entity, batch after batch, until its cancellation token is
/// cancelled.
///
/// A batch is one transaction: it claims up to [`batch`](Self::batch)
/// messages, each the oldest left of its entity (on PostgreSQL
/// `FOR UPDATE SKIP LOCKED`, so that workers in many processes share the
/// outbox and never hold one entity's messages at once), calls the
/// handler on each in turn, and deletes the ones it acknowledged
/// (`Ok`) as it commits. A handler's error stops the batch; that message
/// and the entity's later ones are delivered again in a later batch. A
/// worker killed mid-batch commits nothing: its messages are delivered
/// again, so the receiver deduplicates by [`OutboxMessage::key`].
///
/// ```
/// use stateforge_runtime::db::{OutboxWorker, Store, StoreError};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), StoreError> {
/// let store = Store::in_memory().await?;
/// let mut unit = store.begin().await?;
/// unit.enqueue("order", "o-1", "paid", serde_json::json!({"total": 12})).await?;
/// unit.commit().await?;
/// let seen = std::sync::Mutex::new(Vec::new());
/// let delivered = OutboxWorker::new()
///     .deliver_once(&store, |m: stateforge_runtime::db::OutboxMessage| {
///         seen.lock().unwrap().push(m.topic.clone());
///         async { Ok::<(), String>(()) }
///     })
///     .await?;
/// assert_eq!((delivered, seen.into_inner().unwrap()), (1, vec!["paid".to_owned()]));
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct OutboxWorker {
    pub(crate) batch: usize,
    pub(crate) poll_interval: Duration,
}

impl Default for OutboxWorker {
    fn default() -> OutboxWorker {
        OutboxWorker {
            batch: 100,
            poll_interval: Duration::from_millis(200),
        }
    }
}

impl OutboxWorker {
    /// Batches of 100, an idle outbox polled every 200 ms.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::OutboxWorker::new();
    /// ```
    #[must_use]
    pub fn new() -> OutboxWorker {
        OutboxWorker::default()
    }

    /// How many messages one transaction claims (at least 1).
    ///
    /// ```
    /// let worker = stateforge_runtime::db::OutboxWorker::new().batch(500);
    /// ```
    #[must_use]
    pub fn batch(mut self, batch: usize) -> OutboxWorker {
        self.batch = batch.max(1);
        self
    }

    /// How long an idle worker (or one whose handler failed) waits
    /// before it looks again.
    ///
    /// ```
    /// let worker = stateforge_runtime::db::OutboxWorker::new()
    ///     .poll_interval(std::time::Duration::from_millis(50));
    /// ```
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> OutboxWorker {
        self.poll_interval = interval;
        self
    }

    /// Delivers one batch; how many messages the handler acknowledged.
    ///
    /// # Errors
    ///
    /// The database's (nothing of the batch is then deleted). A
    /// handler's error is not one: it ends the batch, and is logged.
    pub async fn deliver_once<F, Fut, E>(
        &self,
        store: &Store,
        handler: F,
    ) -> Result<usize, StoreError>
    where
        F: Fn(OutboxMessage) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        Ok(self.deliver_batch(store, &handler).await?.0)
    }

    /// The batch's acknowledged count, and whether the handler failed.
    async fn deliver_batch<F, Fut, E>(
        &self,
        store: &Store,
        handler: &F,
    ) -> Result<(usize, bool), StoreError>
    where
        F: Fn(OutboxMessage) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        store
            .run(Scope::Unit, async |w| deliver(w, self.batch, handler).await)
            .await
    }

    /// Delivers batches until `stop` is cancelled: at once while there are
    /// messages, after the polling interval when there were none, or the
    /// handler or the database failed (logged, then tried again).
    ///
    /// ```
    /// use stateforge_runtime::db::{OutboxMessage, OutboxWorker, Store, StoreError};
    /// use tokio_util::sync::CancellationToken;
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), StoreError> {
    /// let store = Store::in_memory().await?;
    /// let stop = CancellationToken::new();
    /// let worker = tokio::spawn({
    ///     let (store, stop) = (store.clone(), stop.clone());
    ///     async move {
    ///         OutboxWorker::new()
    ///             .run(&store, |m: OutboxMessage| async move { println!("{}", m.key); Ok::<(), String>(()) }, stop)
    ///             .await
    ///     }
    /// });
    /// stop.cancel();
    /// worker.await.unwrap();
    /// # Ok(())
    /// # }
    /// ```
    pub async fn run<F, Fut, E>(&self, store: &Store, handler: F, stop: CancellationToken)
    where
        F: Fn(OutboxMessage) -> Fut,
        Fut: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        while !stop.is_cancelled() {
            let pause = match self.deliver_batch(store, &handler).await {
                Ok((n, false)) if n > 0 => continue,
                Ok(_) => self.poll_interval,
                Err(error) => {
                    tracing::warn!(%error, "outbox worker: batch failed; trying again");
                    self.poll_interval
                }
            };
            if stop
                .run_until_cancelled(tokio::time::sleep(pause))
                .await
                .is_none()
            {
                break;
            }
        }
    }
}
