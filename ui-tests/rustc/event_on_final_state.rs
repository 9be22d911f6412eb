// No event fires from a final state: `retry` on a `Task<Completed>`.

stateforge::state_machine! {
    pub machine Task {
        initial state Pending;
        final state Completed;
        state Failed;
        event complete: Pending -> Completed;
        event fail: Pending -> Failed;
        event retry: Failed -> Pending;
    }
}

fn main() {
    let done = Task::new().complete();
    let _again = done.retry();
}
