//! The one runtime a [`PgStore`](super::PgStore) runs its connections on,
//! and how a blocking call waits on it.
//!
//! The runtime has a worker thread per core, which drive every
//! connection's I/O, timers and the tasks the pool spawns (a connection
//! handed back is checked by one). A call that the runtime may run on
//! its own, its arguments owned, is spawned there whole: all its round
//! trips and wake-ups stay on one worker, and the caller's thread sleeps
//! once, until the answer comes. Any number of threads call at once,
//! each its own task. A call that borrows what it needs (a unit's
//! operations, the rarer reads and writes) is polled on the caller's
//! thread instead, while the workers drive its I/O: each round trip then
//! wakes the caller from a worker.
//!
//! Both ways work wherever they are called: outside any runtime, on a
//! blocking thread of the application's runtime, or (blocking it) in an
//! async task. No thread starts per call.
//!
//! A call returns once it has its answer: sqlx's check of its connection
//! going back to the pool (a round trip) runs on a worker meanwhile, and
//! a next call that comes before it ends takes another connection, up to
//! the pool's bound.

use std::future::Future;

use tokio::runtime::{Handle, Runtime};

/// The store's runtime. Inside another runtime tokio panics on dropping
/// one ("Cannot drop a runtime in a context where blocking is not
/// allowed"), so there it is shut down without waiting, as tokio offers
/// for this case; the store has closed its pool by then.
pub(crate) struct OwnRuntime(Option<Runtime>);

impl OwnRuntime {
    pub(crate) fn new() -> std::io::Result<OwnRuntime> {
        let workers = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .thread_name("stateforge-pg")
            .enable_all()
            .build()?;
        Ok(OwnRuntime(Some(runtime)))
    }

    fn get(&self) -> &Runtime {
        // Present from construction to drop.
        self.0
            .as_ref()
            .unwrap_or_else(|| unreachable!("a store's runtime is present until dropped"))
    }

    /// Makes the runtime current on this thread until the guard drops:
    /// the pool's connections, dropped, hand themselves back by a task
    /// spawned on it.
    pub(crate) fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.get().handle().enter()
    }

    /// Runs `future` on a worker and waits for its output. A panic in it
    /// goes on in the caller.
    pub(crate) fn spawn_wait<F>(&self, future: F) -> F::Output
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let task = self.get().spawn(future);
        match futures_executor::block_on(task) {
            Ok(out) => out,
            Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
            // Tasks are cancelled only when the runtime shuts down, which
            // the store does when dropped, after every call.
            Err(error) => unreachable!("a store's task was cancelled: {error}"),
        }
    }

    /// Runs `future` to its end on this thread, the runtime current (for
    /// what it spawns and the timers it sets) and its workers driving the
    /// I/O. `future` never leaves this thread, so it need not be `Send`:
    /// the machines and listeners it borrows are not asked to be.
    pub(crate) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let _current = self.enter();
        // Unconstrained: a caller inside an async task carries its task's
        // budget, which must not make the store's I/O yield to a
        // scheduler that is not polling it.
        futures_executor::block_on(tokio::task::unconstrained(future))
    }
}

impl Drop for OwnRuntime {
    fn drop(&mut self) {
        if let Some(runtime) = self.0.take()
            && Handle::try_current().is_ok()
        {
            runtime.shutdown_background();
        }
    }
}
