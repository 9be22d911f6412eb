// Syntax: an arm without `->` between source and target.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending Done;
    }
}

fn main() {}
