// Syntax: something other than `context`, `state` or `event` where an item is expected.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        transition finish: Pending -> Done;
    }
}

fn main() {}
