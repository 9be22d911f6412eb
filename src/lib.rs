//! # stateforge
//!
//! State machines checked by the compiler and kept in a database.
//!
//! Declare a machine once with [`state_machine!`] and get:
//!
//! - **typestate structs**: `Task<Pending>` has the methods of the events
//!   that leave `Pending`, and no others, so `task.complete()` on a
//!   pending task does not compile, with an error that says why;
//! - **an any-enum** (`AnyTask`) that holds a machine in whichever state it
//!   is, fired by event value ([`Machine::fire`]), for code that learns the
//!   state at run time;
//! - **a checked [`Definition`]**: the same machine as data, with its
//!   diagram (Mermaid, DOT) and a [`Fingerprint`] that tells its versions
//!   apart;
//! - with the runtime, **stores** that keep each entity's state, data and
//!   every transition's history row in SQLite (embedded, nothing to
//!   install) or PostgreSQL (many processes on many machines), with
//!   optimistic locking and durable timers; and **dynamic machines**
//!   (`runtime::DynMachine`) whose definition is data (a JSON file, a
//!   database row), fired by event name.
//!
//! ## Features
//!
//! | feature | default | gives |
//! |---|---|---|
//! | `serde` | yes | JSON for generated machines, their state and event enums, and definitions |
//! | `sqlite` | yes | the runtime and the embedded SQLite store (`runtime::db::Store::sqlite`, and the blocking `SqliteStore`; SQLite compiled in) |
//! | `sqlite-unbundled` | no | the same on the system's SQLite library (beside sqlx's SQLite driver, say) |
//! | `postgres` | no | the runtime and the PostgreSQL store on sqlx (`runtime::db::Store::postgres`, `Store::from_pool`; the blocking `PgStore`) |
//! | `postgres-tls` | no | PostgreSQL over TLS (rustls) |
//! | `runtime` | with `sqlite` or `postgres` | dynamic machines, listeners, history, replay, timers; generated code never needs it |
//!
//! A crate that only declares machines can take `default-features = false`:
//! it then depends on no database, on no `tracing`, and on `serde` only if
//! it asks for it.
//!
//! ## A typed machine
//!
//! ```
//! stateforge::state_machine! {
//!     /// A door.
//!     #[derive(Debug)]
//!     pub machine Door {
//!         initial state Closed;
//!         state Open;
//!
//!         event open: Closed -> Open;
//!         event close: Open -> Closed;
//!     }
//! }
//!
//! let door = Door::new();          // Door<Closed>
//! let door = door.open();          // Door<Open>
//! // door.open();                  // does not compile: no `open` on Door<Open>
//! let any = AnyDoor::from(door.close());
//! assert_eq!(any.state(), DoorState::Closed);
//! ```
//!
//! ## Kept in a store
//!
//! The store is async (its futures are `Send`: call it from tokio tasks and
//! axum handlers). Each call is one database transaction: the entity's
//! row moves with `WHERE version = expected`, and its history row is
//! written with it.
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use stateforge::runtime::db::{HistoryQuery, Store, TransitionMeta};
//! stateforge::state_machine! {
//!     #[derive(Debug)]
//!     pub machine Door {
//!         initial state Closed;
//!         state Open;
//!         event open: Closed -> Open;
//!         event close: Open -> Closed;
//!     }
//! }
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let store = Store::open(":memory:").await?; // or "doors.db", or a postgres:// URL
//! store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new()).await?;
//! let meta = TransitionMeta::new().actor("ada");
//! let door = store.fire::<AnyDoor>("front", DoorEvent::Open, &meta).await?;
//! assert_eq!((door.machine.state(), door.version), (DoorState::Open, 2));
//! let history = store.history(&HistoryQuery::entity("door", "front")).await?;
//! assert_eq!(history[1].actor.as_deref(), Some("ada"));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! # }
//! ```
//!
//! Without an async runtime, `runtime::db::blocking::Store` (and
//! `SqliteStore`, `PgStore`) run the same operations to their end on the
//! caller's thread:
//!
//! ```
//! # #[cfg(feature = "sqlite")] {
//! use stateforge::runtime::db::{TransitionMeta, blocking::Store};
//! # stateforge::state_machine! { #[derive(Debug)] pub machine Door { initial state Closed; state Open; event open: Closed -> Open; event close: Open -> Closed; } }
//! let store = Store::open(":memory:")?;
//! store.create("front", &AnyDoor::from(Door::new()), &TransitionMeta::new())?;
//! let door = store.fire::<AnyDoor>("front", DoorEvent::Open, &TransitionMeta::new())?;
//! assert_eq!(door.version, 2);
//! # }
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! ## Where to read on
//!
//! The language, every construct with an example, is the documentation of
//! [`state_machine!`]: a first machine, the machine and its options, the
//! context, states, events and arms, where a state's data comes from,
//! guards, actions, timers, what is generated, JSON, and the declarations
//! that do not compile, and keeping machines in a store. The stores, their
//! errors and their timers are in `runtime::db`; dynamic machines in `runtime::DynMachine` and
//! `runtime::Registry`.
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[cfg(feature = "serde")]
pub use stateforge_core::LoadError;
pub use stateforge_core::{
    ActionKind, ActionStep, ArmSpec, Change, Checks, Compatibility, Definition, Event, EventId,
    EventSpec, Fingerprint, InvalidDefinition, Machine, MachineSpec, MigrationSpec, NotAllowed,
    ParseStateError, Problem, Refusal, Rejected, StateId, StateSpec, Timer, TimerSpec, Transition,
    WrongState, compare,
};
#[cfg(feature = "runtime")]
pub use stateforge_runtime as runtime;
#[cfg(feature = "runtime")]
pub use stateforge_runtime::{HistoryRecord, Timestamp};

/// The `state_machine!` language: every construct, with an example.
#[doc = include_str!("../docs/dsl.md")]
#[macro_export]
macro_rules! state_machine {
    ($($tokens:tt)*) => {
        $crate::__private::state_machine! { $crate; $($tokens)* }
    };
}

/// What generated code names; not a public API.
#[doc(hidden)]
pub mod __private {
    #[cfg(feature = "serde")]
    pub use serde;
    #[cfg(feature = "serde")]
    pub use serde_json;
    pub use stateforge_core as core;
    pub use stateforge_macros::state_machine;
}
