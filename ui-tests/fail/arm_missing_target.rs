// An arm without a target state.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> ;
    }
}

fn main() {}
