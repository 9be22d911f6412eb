// A guard that returns `()` instead of `bool`: the error lands on the guard's path.

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Failed;
        final state Done;
        event finish: Pending -> Done;
        event fail: Pending -> Failed;
        event retry: Failed -> Pending if can_retry;
    }
}

fn can_retry(_retries: &u32, _from: &Failed) {}

fn main() {}
