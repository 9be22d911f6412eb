// An event declared inside a state's braces: events belong to the machine.

stateforge::state_machine! {
    machine Task {
        initial state Active {
            initial state Assigned;
            state Working;
            event start: Assigned -> Working;
        }
        final state Done;
        event finish: Active -> Done;
    }
}

fn main() {}
