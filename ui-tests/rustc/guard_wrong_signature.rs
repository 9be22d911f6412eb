// The guard takes the wrong arguments (the context by value, no state): the error lands on its path.

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

fn can_retry(retries: u32) -> bool {
    retries < 3
}

fn main() {}
