// An event written as a raw identifier (`r#loop`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event r#loop: Pending -> Done;
    }
}

fn main() {}
