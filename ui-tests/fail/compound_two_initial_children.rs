// Two initial states inside one compound state.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active {
            initial state Assigned;
            initial state Working;
        }
        final state Done;
        event activate: Open -> Active;
        event start: Assigned -> Working;
        event finish: Active -> Done;
    }
}

fn main() {}
