//! Generated code names everything by full path: a machine compiles, with
//! no warning and no missing doc, next to user types that shadow the
//! prelude.
#![deny(warnings, missing_docs)]

/// Shadows `core::result::Result`.
pub struct Result;
/// Shadows `core::option::Option`.
pub struct Option;
/// Shadows `std::string::String`.
pub struct String;
/// Shadows `std::vec::Vec`.
pub struct Vec;
/// Shadows `std::boxed::Box`.
pub struct Box;
/// Shadows `core::clone::Clone` (as a type).
pub struct Clone;
/// Shadows `core::convert::From` (as a type).
pub struct From;
/// Shadows `serde` (as a type).
#[allow(non_camel_case_types)]
pub struct serde;

/// Locals named like the generated ones.
pub fn __sf_context() {}

stateforge::state_machine! {
    /// A machine among shadowing names.
    pub machine Gate {
        context: u32;
        initial state Closed;
        state Open { by: u64 }
        final state Gone;
        event open(by: u64): Closed -> Open if allowed => count;
        event close: Open -> Closed;
        event remove: Closed | Open -> Gone;
        event rename(label: ::std::string::String, note: ::std::string::String): Open -> Open if label_ok;
    }
}

fn allowed(_: &u32, _: &Closed, by: &u64) -> bool {
    *by > 0
}

/// A guard taking `&str` for a `String` argument; the generated check
/// passes `&String`, which clippy's `ptr_arg` must not flag in user code.
fn label_ok(_: &u32, _: &Open, label: &str, _note: &str) -> bool {
    !label.is_empty()
}

fn count(opened: &mut u32, _: &Closed, _: &u64) {
    *opened += 1;
}

#[test]
fn a_machine_beside_shadowing_names_works() {
    let open = Gate::new(0).open(7).ok().unwrap_or_else(|| unreachable!());
    assert_eq!((open.state().by, *open.context()), (7, 1));
    let open = open
        .rename("east".into(), ::std::string::String::new())
        .ok()
        .unwrap_or_else(|| unreachable!());
    let gone = AnyGate::from(open.close().remove());
    assert!(gone.is_final());
    let _ = (Result, Option, String, Vec, Box, Clone, From, serde);
    __sf_context();
}

/// The state actions' hidden methods, among the same shadowing names and
/// lints: a private machine, one state both entered and left by a
/// self-transition.
mod with_state_actions {
    stateforge::state_machine! {
        machine Bell {
            context: u32;
            initial state Quiet exit leave;
            state Ringing { round: u32 } entry ring exit hush;
            event start(round: u32): Quiet -> Ringing;
            event again(round: u32): Ringing -> Ringing;
            event stop: Ringing -> Quiet;
        }
    }

    fn leave(count: &mut u32, _: &Quiet) {
        *count += 1;
    }

    fn ring(count: &mut u32, ringing: &Ringing) {
        *count += ringing.round;
    }

    fn hush(count: &mut u32, _: &Ringing) {
        *count *= 2;
    }

    #[test]
    fn a_private_machine_with_state_actions_compiles_without_warnings() {
        let bell = Bell::new(0).start(1).again(2);
        assert_eq!(*bell.context(), (1 + 1) * 2 + 2);
        let mut any = AnyBell::from(bell.stop());
        any.fire_in_place(BellEvent::Start { round: 3 }).unwrap();
        assert_eq!(*any.context(), ((6 * 2) + 1) + 3);
    }
}
