// Each alternative builds its own target: `Rejected` needs a `reason`, which
// neither `decide` nor `Submitted` provides, though `Accepted` needs nothing.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected { reason: String }
        event decide: Submitted -> Accepted if good, Submitted -> Rejected;
    }
}

fn good(_: &Submitted) -> bool {
    true
}

fn main() {}
