// A field written after a state inside the braces: fields come first.

stateforge::state_machine! {
    machine Task {
        initial state Active {
            initial state Assigned;
            agent: String
        }
        final state Done;
        event finish: Active -> Done;
    }
}

fn main() {}
