// With two sources, the field must come from each: `Queued` has no `agent`.

stateforge::state_machine! {
    machine Task {
        initial state Queued;
        state Assigned { agent: String }
        state Working { agent: String }
        final state Done { agent: String }
        event assign(agent: String): Queued -> Assigned;
        event work: Assigned -> Working;
        event finish: Queued | Working -> Done;
    }
}

fn main() {}
