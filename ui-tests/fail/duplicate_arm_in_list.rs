// One event leaves the same state twice in its arms list: `Pending -> Done, Pending -> Failed`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        final state Failed;
        event finish: Pending -> Done, Pending -> Failed;
    }
}

fn main() {}
