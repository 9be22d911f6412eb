//! A call waits, before it returns, for the connection it used to be back
//! in the pool.
//!
//! sqlx hands a connection back to its pool by a task, which first checks
//! it with a round trip. A call that returned at once would leave that
//! check running while the caller's next call asks for a connection: it
//! would find none idle and open another. Waiting keeps the pool as small
//! as the number of callers using it at once, and a connection's
//! statements prepared once.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use super::PgStore;

/// How long a call polls for its connection without sleeping: a check's
/// round trip on a nearby server is shorter than a timer's tick.
const SPIN: Duration = Duration::from_millis(2);

/// A call gives up waiting after this: the pool then opens another
/// connection if a call needs one, which is only slower.
const PATIENCE: Duration = Duration::from_secs(1);

/// The calls (and units) in progress on a store; shared with the tasks
/// that run them.
#[derive(Default, Clone)]
pub(super) struct Calls(Arc<AtomicUsize>);

/// One call in progress, counted until dropped.
pub(super) struct InCall(Arc<AtomicUsize>);

impl Drop for InCall {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Where a call waits: on a worker of the store's runtime (a spawned
/// call), or on the caller's thread (a call polled there).
#[derive(Clone, Copy)]
pub(super) enum Waiter {
    Worker,
    Caller,
}

impl Calls {
    /// Counts a call in progress until the guard drops.
    pub(super) fn in_call(&self) -> InCall {
        self.0.fetch_add(1, Ordering::SeqCst);
        InCall(Arc::clone(&self.0))
    }

    /// Waits until every connection out of `pool` is one that another
    /// call in progress may hold: this call's own is back (or closed).
    pub(super) async fn settle(&self, pool: Option<&sqlx::PgPool>, waiter: Waiter) {
        let Some(pool) = pool else {
            return;
        };
        let started = Instant::now();
        loop {
            let others = self.0.load(Ordering::SeqCst).saturating_sub(1);
            let out = usize::try_from(pool.size())
                .unwrap_or(usize::MAX)
                .saturating_sub(pool.num_idle());
            let waited = started.elapsed();
            if out <= others || pool.is_closed() || waited >= PATIENCE {
                return;
            }
            if waited >= SPIN {
                tokio::time::sleep(Duration::from_millis(1)).await;
                continue;
            }
            match waiter {
                // On a worker, tokio's yield lets the worker poll its I/O
                // before the task runs again.
                Waiter::Worker => tokio::task::yield_now().await,
                Waiter::Caller => YieldOnce(false).await,
            }
        }
    }
}

impl PgStore {
    /// Counts a call in progress until the guard drops.
    pub(super) fn in_call(&self) -> InCall {
        self.calls.in_call()
    }

    /// [`Calls::settle`] for a call polled on the caller's thread.
    pub(super) async fn settle(&self) {
        self.calls
            .settle(self.store().pg_pool(), Waiter::Caller)
            .await;
    }
}

/// Pending once, woken at once: the workers poll the I/O meanwhile. Not
/// tokio's `yield_now`, which inside another runtime's task hands the
/// wake to that runtime's scheduler, blocked while the call is.
struct YieldOnce(bool);

impl Future for YieldOnce {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.0 {
            return Poll::Ready(());
        }
        self.0 = true;
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}
