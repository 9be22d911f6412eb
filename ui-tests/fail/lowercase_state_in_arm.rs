// An arm names a state in lowercase, as it is stored, not as it is declared.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state InProgress;
        final state Done;
        event start: Pending -> in_progress;
        event finish: InProgress -> Done;
    }
}

fn main() {}
