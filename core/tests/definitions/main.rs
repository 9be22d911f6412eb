//! Definitions built from specs and from JSON, through the crate's public
//! API: random ones against the properties every definition keeps, the
//! reachability rule case by case, and the JSON form against its
//! versioning rule and its schema.

mod alternatives;
mod compatibility;
mod hierarchy;
mod hierarchy_actions;
mod hierarchy_rules;
mod hierarchy_timers;
#[cfg(feature = "serde")]
mod json_format;
#[cfg(feature = "serde")]
mod json_schema;
mod random_definitions;
mod random_hierarchies;
mod reachability;
mod state_actions;
