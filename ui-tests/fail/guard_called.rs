// A guard written as a call, `can_finish()`: name the function only.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done if can_finish();
    }
}

fn can_finish(_: &Pending) -> bool { true }

fn main() {}
