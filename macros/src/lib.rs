//! The `state_machine!` proc-macro of stateforge. Use it through the
//! `stateforge` crate, which documents the language in full.
#![forbid(unsafe_code)]

mod ast;
mod case;
mod check;
mod ctxt;
mod expand;
mod fallback;
mod lower;
mod model;
mod parse;

#[cfg(test)]
mod expand_tests;
#[cfg(test)]
mod fuzz_corpus_tests;
#[cfg(test)]
mod fuzz_property;
#[cfg(test)]
mod fuzz_tests;
#[cfg(test)]
mod hierarchy_tests;
#[cfg(test)]
mod size_tests;

/// Generates a typestate machine from a declaration; see `stateforge::state_machine!`.
#[proc_macro]
pub fn state_machine(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    expand::state_machine(input.into()).into()
}
