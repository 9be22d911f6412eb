// One arm names the same source twice: `Pending | Pending -> Done`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending | Pending -> Done;
    }
}

fn main() {}
