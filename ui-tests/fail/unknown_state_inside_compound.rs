// An arm naming a state inside a compound state, misspelt.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active {
            initial state Assigned;
            state Working;
        }
        final state Done;
        event activate: Open -> Active;
        event start: Assigned -> Workin;
        event finish: Active -> Done;
    }
}

fn main() {}
