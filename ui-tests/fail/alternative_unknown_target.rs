// A misspelt target in the second alternative is reported on it.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        event decide: Submitted -> Accepted if good, Submitted -> Rejeted;
    }
}

fn good(_: &Submitted) -> bool {
    true
}

fn main() {}
