//! Definitions built from specs and from JSON, through the crate's public
//! API: random ones against the properties every definition keeps, and
//! the reachability rule case by case.

#[cfg(feature = "serde")]
mod json_format;
mod random_definitions;
mod reachability;
