// A typo in an arm's source: the state is unknown.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned;
        final state Done;
        event assign: Pending -> Assigned;
        event finish: Asigned -> Done;
    }
}

fn main() {}
