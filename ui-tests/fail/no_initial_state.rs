// No state is marked `initial`.

stateforge::state_machine! {
    machine Task {
        state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

fn main() {}
