//! The checked model of a stateforge machine.
//!
//! A [`MachineSpec`] is a machine as written (by the `state_machine!` macro,
//! or as JSON); [`Definition::new`] checks it against every rule in
//! [`validate`] and resolves its names to dense ids. The same checks run at
//! compile time inside the macro and at run time on definitions loaded from
//! data, so both worlds agree on what a valid machine is.
//!
//! ```
//! use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
//!
//! let spec = MachineSpec::new("task")
//!     .state(StateSpec::initial("pending"))
//!     .state(StateSpec::final_state("done"))
//!     .event(EventSpec::new("finish").arm(ArmSpec::new(["pending"], "done")));
//! let task = Definition::new(spec)?;
//! println!("{}", task.to_mermaid());
//! # Ok::<(), stateforge_core::InvalidDefinition>(())
//! ```
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]

mod compatibility;
mod compiled;
mod configuration;
mod definition;
#[cfg(feature = "serde")]
mod definition_json;
mod diagram;
mod diagram_nested;
mod fingerprint;
mod flatten;
mod hierarchy_rules;
mod invalid_definition;
mod kept_timers;
mod machine;
mod migration;
mod problem;
mod site;
mod spec;
#[cfg(feature = "serde")]
mod stored_body;
#[cfg(feature = "svg")]
mod svg;
mod transition;
#[cfg(feature = "serde")]
mod unit_event;
mod validate;

pub use compatibility::{Change, Compatibility, compare};
pub use configuration::{Remembered, SpecArm};
pub use definition::{Definition, EventId, InvalidDefinition, StateId, Timer};
#[cfg(feature = "serde")]
pub use definition_json::LoadError;
pub use fingerprint::Fingerprint;
pub use flatten::{MAX_CONFIGURATIONS, MAX_TRANSITIONS};
pub use machine::{
    __move_through, Event, Machine, NotAllowed, ParseStateError, Refusal, Rejected, WrongState,
};
pub use migration::MigrationSpec;
pub use problem::{NameKind, Problem, Site};
pub use spec::{ArmSpec, Checks, EventSpec, MachineSpec, StateKind, StateSpec, TimerSpec};
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use stored_body::{__StoredBody, __deserialize_unit_struct, __migrate_state_data};
pub use transition::{ActionKind, ActionStep, Transition};
#[cfg(feature = "serde")]
#[doc(hidden)]
pub use unit_event::{__deserialize_unit_event, __serialize_unit_event};
pub use validate::{
    MAX_ARMS, MAX_EVENTS, MAX_NAME_LEN, MAX_STATES, is_valid_name, is_valid_path, validate,
};
