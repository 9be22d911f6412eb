// A compound state marked final: its states say where it ends.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        final state Closed {
            initial state Resolved;
            state Archived;
        }
        event close: Open -> Closed;
        event archive: Resolved -> Archived;
    }
}

fn main() {}
