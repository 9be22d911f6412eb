//! The behaviours every store must show, each written once as a function
//! of a [`Fixture`] and run on each backend by `behaviours!` in
//! `tests/stores/main.rs`.

pub(crate) mod concurrency;
pub(crate) mod crash;
pub(crate) mod data_migrations;
pub(crate) mod entity_ids;
pub(crate) mod evolution;
pub(crate) mod evolution_at_scale;
pub(crate) mod fixture;
pub(crate) mod hierarchy;
pub(crate) mod hierarchy_listeners;
pub(crate) mod hierarchy_timers;
pub(crate) mod listened;
pub(crate) mod listing;
#[allow(dead_code, unreachable_pub)]
pub(crate) mod machines;
pub(crate) mod migrations;
pub(crate) mod queries;
pub(crate) mod refusals;
pub(crate) mod rows;
pub(crate) mod state_actions;
pub(crate) mod timer_worker;
pub(crate) mod timers;
pub(crate) mod transitions;
pub(crate) mod units;

pub(crate) use fixture::Fixture;
