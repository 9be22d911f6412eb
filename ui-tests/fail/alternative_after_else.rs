// A guarded alternative after the unguarded one (the else) would never be tried.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        event decide: Submitted -> Accepted, Submitted -> Rejected if bad;
    }
}

fn bad(_: &Submitted) -> bool {
    true
}

fn main() {}
