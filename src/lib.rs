//! # stateforge
//!
//! State machines checked by the compiler and kept in a database.
//!
//! Declare a machine once with [`state_machine!`]: invalid transitions do
//! not compile, the same machine runs dynamically from a stored state
//! name, and the runtime (module `runtime`, with the default feature of
//! that name) keeps its state and history in SQLite or PostgreSQL.
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
#![forbid(unsafe_code)]

pub use stateforge_core::{
    Definition, Event, EventId, Fingerprint, InvalidDefinition, Machine, MachineSpec, NotAllowed,
    ParseStateError, Problem, Refusal, Rejected, StateId, WrongState,
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
