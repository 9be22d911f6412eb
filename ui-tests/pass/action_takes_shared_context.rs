// An action that only reads the context may take it as `&u32`: the
// `&mut u32` it is given coerces.

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Failed;
        final state Done;
        event finish: Pending -> Done;
        event fail: Pending -> Failed;
        event retry: Failed -> Pending => log_retry;
    }
}

fn log_retry(retries: &u32, _from: &Failed) {
    let _ = retries;
}

fn main() {
    let task = Task::new(0).fail().retry();
    assert_eq!(*task.context(), 0);
}
