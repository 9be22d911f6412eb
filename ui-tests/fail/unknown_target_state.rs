// An arm's target names a state that is not declared (`Dne` for `Done`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Dne;
    }
}

fn main() {}
