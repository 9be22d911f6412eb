// A field on a state that holds states: its data is its leaves'.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active {
            agent: String,
            initial state Assigned { agent: String }
            state Working { agent: String }
        }
        final state Done;
        event assign(agent: String): Open -> Active;
        event start: Assigned -> Working;
        event finish: Active -> Done;
    }
}

fn main() {}
