// A guarded transition returns a `Result`: using it as the machine without handling the refusal.

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Failed;
        final state Done;
        event fail: Pending -> Failed;
        event retry: Failed -> Pending if can_retry;
        event finish: Pending -> Done;
    }
}

fn can_retry(retries: &u32, _from: &Failed) -> bool {
    *retries < 3
}

fn main() {
    let _done = Task::new(0).fail().retry().finish();
}
