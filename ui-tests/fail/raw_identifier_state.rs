// A state written as a raw identifier (`r#Done`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state r#Done;
        event finish: Pending -> r#Done;
    }
}

fn main() {}
