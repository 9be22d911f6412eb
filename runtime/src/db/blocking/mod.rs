//! The blocking API: the same operations as the async [`Store`](crate::db),
//! run to their end on the caller's thread, for scripts, command-line
//! tools and programs without an async runtime.
//!
//! One store, [`StoreOn`], and one unit, [`UnitOn`], written once over
//! the store's operations, on three backends: [`SqliteStore`] is
//! `StoreOn<Sqlite>`, [`PgStore`] `StoreOn<Postgres>` and [`Store`]
//! `StoreOn<Either>`, whichever [`Store::open`] was given.
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

mod driver;
mod dynamic;
mod either;
mod mapped;
mod migrate;
mod outbox_worker;
#[cfg(feature = "postgres")]
mod pg_runtime;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(feature = "sqlite")]
mod sqlite;
mod store;
mod timer_worker;
mod unit;

pub use either::{Either, Store, StoreUnit};
pub use outbox_worker::OutboxWorker;
#[cfg(feature = "postgres")]
pub use postgres::{PgStore, PgUnit, Postgres};
#[cfg(feature = "sqlite")]
pub use sqlite::{Sqlite, SqliteStore, Unit};
pub use store::StoreOn;
pub use timer_worker::{Round, StopSignal, TimerWorker};
pub use unit::UnitOn;
