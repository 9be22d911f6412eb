// `Assigned` needs `agent`, but neither event `assign` nor state `Pending` provides it.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned { agent: String }
        final state Done;
        event assign: Pending -> Assigned;
        event finish: Assigned -> Done;
    }
}

fn main() {}
