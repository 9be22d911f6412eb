// Use case 1's bug: `Failed` is declared final, yet `retry` leaves it.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Assigned { agent: String }
        final state Completed;
        final state Failed;

        event assign(agent: String): Pending -> Assigned;
        event complete: Assigned -> Completed;
        event fail: Pending | Assigned -> Failed;
        event retry: Failed -> Pending;
    }
}

fn main() {}
