//! The properties the fuzz targets check, compiled from the files the
//! workspace's tests compile too, so a fuzz target and the test replaying
//! its corpus cannot drift apart.
//!
//! `stateforge-macros` is a proc-macro crate, which cannot be linked as a
//! library: its modules are compiled here a second time, at this crate's
//! root, where their `crate::` paths resolve as in the macros crate. A
//! module added there and used by these is a compile error here, never a
//! silently different macro.
#![forbid(unsafe_code)]

// The macros crate's modules, unchanged. What they keep for the
// proc-macro entry point or the macros' own tests is unused here.
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/ast.rs"]
mod ast;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/case.rs"]
mod case;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/check/mod.rs"]
mod check;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/ctxt.rs"]
mod ctxt;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/expand/mod.rs"]
mod expand;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/fallback.rs"]
mod fallback;
#[path = "../../macros/src/fuzz_property.rs"]
mod fuzz_property;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/lower.rs"]
mod lower;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/model.rs"]
mod model;
#[allow(dead_code, unreachable_pub)]
#[path = "../../macros/src/parse.rs"]
mod parse;

#[path = "../../runtime/tests/fuzz_properties/definition_json.rs"]
mod definition_json_property;
#[path = "../../tests/fuzz_properties/stored_row.rs"]
mod stored_row_property;

/// The `definition_json` property; see
/// `runtime/tests/fuzz_properties/definition_json.rs`.
///
/// # Errors
///
/// Which part of the property broke.
pub fn definition_json(data: &[u8]) -> Result<(), String> {
    definition_json_property::definition_json(data)
}

/// The `stored_row` property; see `tests/fuzz_properties/stored_row.rs`.
///
/// # Errors
///
/// Which part of the property broke.
pub fn stored_row(data: &[u8]) -> Result<(), String> {
    stored_row_property::stored_row(data)
}

/// The `macro_input` property: `data` is a declaration as written inside
/// `state_machine! { ... }`; see `macros/src/fuzz_property.rs`.
///
/// # Errors
///
/// What is wrong with the macro's output.
pub fn macro_input(data: &[u8]) -> Result<(), String> {
    let result = fuzz_property::macro_input(data);
    // With span-locations, every parse adds its text to a thread-local
    // source map; a fuzzer parses millions of times on one thread, and the
    // map would grow until libFuzzer's memory limit. No span outlives this.
    proc_macro2::extra::invalidate_current_thread_spans();
    result
}
