// An event written in CamelCase, as a type: events are methods.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event FinishNow: Pending -> Done;
    }
}

fn main() {}
