// One of several sources is final: the arm would leave a final state.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned;
        final state Done;
        event assign: Pending -> Assigned;
        event finish: Assigned -> Done;
        event reopen: Assigned | Done -> Pending;
    }
}

fn main() {}
