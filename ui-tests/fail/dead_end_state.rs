// `Stuck` is not final and no event leaves it.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Stuck;
        final state Done;
        event finish: Pending -> Done;
        event jam: Pending -> Stuck;
    }
}

fn main() {}
