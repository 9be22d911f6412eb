// An event name in UpperCamelCase: events are methods.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event Finish: Pending -> Done;
    }
}

fn main() {}
