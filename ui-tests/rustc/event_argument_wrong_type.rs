// Calling a transition with an argument of the wrong type.

stateforge::state_machine! {
    pub machine Task {
        initial state Pending;
        state Assigned { agent: String }
        final state Done;
        event assign(agent: String): Pending -> Assigned;
        event finish: Assigned -> Done;
    }
}

fn main() {
    let _assigned = Task::new().assign(42);
}
