// A machine beside user types shadowing the prelude, under `deny(warnings)` and `deny(missing_docs)`.
#![deny(warnings)]
#![deny(missing_docs)]
//! Generated code must name everything by full path.

/// Shadows `core::result::Result`.
pub struct Result;
/// Shadows `core::option::Option`.
pub struct Option;
/// Shadows `std::boxed::Box`.
pub struct Box;
/// Shadows `std::string::String`.
pub struct String;
/// Shadows `std::vec::Vec`.
pub struct Vec;

stateforge::state_machine! {
    /// A gate among shadowing names.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Gate {
        context: u32;
        /// Closed.
        initial state Closed;
        /// Open.
        state Open {
            /// Who opened it.
            by: u64,
        }
        /// Gone for good.
        final state Gone;
        /// Opens it, if allowed.
        event open(
            /// Who opens it.
            by: u64,
        ): Closed -> Open if allowed => count;
        /// Closes it.
        event close: Open -> Closed;
        /// Removes it.
        event remove: Closed | Open -> Gone after 2h;
    }
}

fn allowed(_: &u32, _: &Closed, by: &u64) -> bool {
    *by > 0
}

fn count(opened: &mut u32, _: &Closed, _: &u64) {
    *opened += 1;
}

fn main() {
    let open = match Gate::new(0).open(7) {
        Ok(open) => open,
        Err(_) => unreachable!(),
    };
    assert_eq!((open.state().by, *open.context()), (7, 1));
    let gone = AnyGate::from(open.close().remove());
    assert!(gone.is_final());
    let _ = (Result, Option, Box, String, Vec);
}
