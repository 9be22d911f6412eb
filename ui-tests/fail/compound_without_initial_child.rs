// A compound state none of whose states is initial: entering it would
// not know where to start.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active {
            state Assigned;
            state Working;
        }
        final state Done;
        event activate: Open -> Active;
        event start: Assigned -> Working;
        event finish: Active -> Done;
    }
}

fn main() {}
