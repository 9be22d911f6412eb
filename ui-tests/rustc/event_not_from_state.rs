// `complete` does not leave `Pending`: the error names the state and the events that do exist.

stateforge::state_machine! {
    pub machine Task {
        initial state Pending;
        state Assigned { agent: String }
        state InProgress { agent: String }
        final state Completed;
        event assign(agent: String): Pending -> Assigned;
        event start: Assigned -> InProgress;
        event complete: InProgress -> Completed;
    }
}

fn main() {
    let _done = Task::new().complete();
}
