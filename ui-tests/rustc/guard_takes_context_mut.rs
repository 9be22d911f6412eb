// A guard may not change the context: it gets `&u32`, not `&mut u32`.

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

fn can_retry(retries: &mut u32, _from: &Failed) -> bool {
    *retries < 3
}

fn main() {}
