//! The blocking API: the same operations as the async [`Store`](crate::db),
//! run to their end on the caller's thread, for scripts, command-line
//! tools and programs without an async runtime.
//!
//! ```
//! use stateforge_runtime::db::{TransitionMeta, blocking::Store};
//! stateforge::state_machine! {
//!     #[derive(Debug)]
//!     machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; }
//! }
//! let store = Store::open(":memory:")?;
//! store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
//! let door = store.fire::<AnyDoor>("front", DoorEvent::Open, &TransitionMeta::new())?;
//! assert_eq!(door.version, 2);
//! # Ok::<(), stateforge_runtime::db::StoreError>(())
//! ```

mod outbox_worker;
mod store;
mod timer_worker;

pub use outbox_worker::OutboxWorker;
pub use store::{Store, StoreUnit};
pub use timer_worker::{Round, StopSignal, TimerWorker};
