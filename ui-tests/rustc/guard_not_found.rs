// The guard named in the declaration does not exist (`can_retyr` for `can_retry`).

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Failed;
        final state Done;
        event finish: Pending -> Done;
        event fail: Pending -> Failed;
        event retry: Failed -> Pending if can_retyr;
    }
}

#[allow(dead_code)]
fn can_retry(retries: &u32, _from: &Failed) -> bool {
    *retries < 3
}

fn main() {}
