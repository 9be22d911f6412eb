// An arm's source names a state that is not declared (`Pendng` for `Pending`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pendng -> Done;
    }
}

fn main() {}
