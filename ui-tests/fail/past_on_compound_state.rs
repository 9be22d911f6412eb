// A former name on a state that holds states: it is never stored itself.

stateforge::state_machine! {
    machine Task {
        initial state Open;
        state Active (was Busy) {
            initial state Working;
        }
        final state Done;
        event start: Open -> Active;
        event finish: Active -> Done;
    }
}

fn main() {}
