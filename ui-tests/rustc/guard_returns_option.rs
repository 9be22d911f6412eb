// A guard returns `bool`, not `Option<bool>`.

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

fn can_retry(retries: &u32, _from: &Failed) -> Option<bool> {
    Some(*retries < 3)
}

fn main() {}
