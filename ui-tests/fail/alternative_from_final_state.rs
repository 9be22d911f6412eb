// Alternatives are transitions: none may leave a final state.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        event decide: Submitted -> Accepted if good, Submitted -> Rejected;
        event reopen: Accepted -> Submitted if late, Accepted -> Rejected;
    }
}

fn good(_: &Submitted) -> bool {
    true
}
fn late(_: &Accepted) -> bool {
    true
}

fn main() {}
