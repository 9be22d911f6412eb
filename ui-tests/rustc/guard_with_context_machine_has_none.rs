// Without a `context:` line the guard gets no context, only the state.

stateforge::state_machine! {
    pub machine Task {
        initial state Pending;
        state Failed;
        final state Done;
        event finish: Pending -> Done;
        event fail(reason: String): Pending -> Failed;
        event retry: Failed -> Pending if can_retry;
    }
}

fn can_retry(retries: &u32, _from: &Failed) -> bool {
    *retries < 3
}

fn main() {}
