// A state with two fields of the same name.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned { agent: String, agent: u32 }
        final state Done;
        event assign(agent: String): Pending -> Assigned;
        event finish: Assigned -> Done;
    }
}

fn main() {}
