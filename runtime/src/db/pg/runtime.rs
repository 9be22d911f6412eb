//! The one runtime a [`PgStore`](super::PgStore) runs its connections on,
//! and how a blocking call waits on it.
//!
//! A current-thread runtime has no thread of its own: whichever thread
//! blocks on it drives it (its connections' I/O, its timers, the tasks
//! its pool spawns), and several threads may block on it at once, one of
//! them driving it for all. So the store costs no thread while idle, and
//! none per call outside async code.

use std::future::Future;

use tokio::runtime::{Handle, Runtime};

/// The store's runtime. Inside another runtime tokio panics on dropping
/// one ("Cannot drop a runtime in a context where blocking is not
/// allowed"), so there it is shut down without waiting, as tokio offers
/// for this case; the store has closed its pool by then.
pub(super) struct OwnRuntime(Option<Runtime>);

impl OwnRuntime {
    pub(super) fn new() -> std::io::Result<OwnRuntime> {
        let runtime = tokio::runtime::Builder::new_current_thread()
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
    pub(super) fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.get().handle().enter()
    }

    /// Runs `future` to its end on the store's runtime.
    ///
    /// In an async task tokio refuses to block on another runtime (it
    /// panics: "Cannot start a runtime from within a runtime"); in a
    /// `spawn_blocking` thread it allows it, but no public API tells the
    /// two apart: both have a current runtime handle. So wherever there is
    /// one, a scoped thread drives the store's runtime for the length of
    /// the call while this thread polls `future` (in a `spawn_blocking`
    /// thread too, where it was not needed); outside any runtime, the
    /// common case, the runtime runs on the caller's thread. `future` never
    /// leaves this thread, so it need not be `Send`: the machines and
    /// listeners of the blocking API are not asked to be.
    pub(super) fn block_on<F: Future>(&self, future: F) -> F::Output {
        let runtime = self.get();
        if Handle::try_current().is_err() {
            return runtime.block_on(future);
        }
        // The store's runtime is the current one while `future` is polled,
        // for what it spawns and the timers it sets.
        let _current = runtime.handle().enter();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        std::thread::scope(|s| {
            let driver = s.spawn(move || {
                runtime.block_on(async {
                    // Ends when `stop` is dropped: after `future`, or on
                    // its panic.
                    let _ = stopped.await;
                });
            });
            // Unconstrained: the caller's task budget, which this thread
            // still carries, must not make the store's I/O yield to a
            // scheduler that is not polling it.
            let out = futures_executor::block_on(tokio::task::unconstrained(future));
            drop(stop);
            if let Err(panic) = driver.join() {
                std::panic::resume_unwind(panic);
            }
            out
        })
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
