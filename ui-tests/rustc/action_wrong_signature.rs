// The action is missing the event's argument: the error lands on the action's path.

stateforge::state_machine! {
    pub machine Task {
        context: u32;
        initial state Pending;
        state Assigned { agent: String }
        final state Done;
        event assign(agent: String): Pending -> Assigned => on_assign;
        event finish: Assigned -> Done;
    }
}

fn on_assign(count: &mut u32, _from: &Pending) {
    *count += 1;
}

fn main() {}
