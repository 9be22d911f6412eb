// A target field that the event's arguments and the source's fields both lack, with arguments present.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned { agent: String, team: String }
        final state Done;
        event assign(agent: String): Pending -> Assigned;
        event finish: Assigned -> Done;
    }
}

fn main() {}
