// Several semantic mistakes in one declaration: every one is reported, not only the first.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned { agent: String }
        state Pending;
        final state Done;
        final state Orphan;
        event assign: Pending -> Assigned;
        event finish: Assigned -> Done;
        event Reopen: Done -> Pending;
        event tick: Pending -> Done after 5;
    }
}

fn main() {}
