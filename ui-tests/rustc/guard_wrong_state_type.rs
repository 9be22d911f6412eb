// The guard's state parameter names the wrong state: `retry` leaves `Failed`.

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Failed;
        final state Done;
        event finish: Pending -> Done;
        event fail(reason: String): Pending -> Failed;
        event retry: Failed -> Pending if can_retry;
    }
}

fn can_retry(retries: &u32, _from: &Pending) -> bool {
    *retries < 3
}

fn main() {}
