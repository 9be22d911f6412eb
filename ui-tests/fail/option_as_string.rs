// An option written as a string.

stateforge::state_machine! {
    #[stateforge("allow_unreachable")]
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
