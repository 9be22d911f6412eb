// Two states nothing leads to: each gets its own error.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Parked;
        state Lost;
        final state Done;
        event finish: Pending -> Done;
        event unpark: Parked -> Pending;
        event find: Lost -> Pending;
    }
}

fn main() {}
