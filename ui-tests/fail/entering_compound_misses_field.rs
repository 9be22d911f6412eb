// Entering a compound state enters its initial state, whose field the
// event does not provide.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active {
            initial state Assigned { agent: String }
            state Working { agent: String }
        }
        final state Done;
        event activate: Open -> Active;
        event start: Assigned -> Working;
        event finish: Active -> Done;
    }
}

fn main() {}
