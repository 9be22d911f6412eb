// The machine has a context: `new` takes it.

stateforge::state_machine! {
    #[derive(Debug)]
    pub machine Task {
        context: u32;
        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        state Failed { reason: String }
        event assign(agent: String): Pending -> Assigned;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed => stamp;
        event fail(reason: String): Assigned | InProgress -> Failed;
        event retry: Failed -> Pending if can_retry;
        event tick: InProgress -> InProgress;
        event time_out: Assigned -> Pending after 30s;
    }
}

fn stamp(done: &mut u32, _from: &InProgress) {
    *done += 1;
}

fn can_retry(retries: &u32, _from: &Failed) -> bool {
    *retries < 3
}

fn main() {
    let _ = Task::new();
}
