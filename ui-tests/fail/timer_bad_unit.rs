// A timer delay with a unit that does not exist: `after 30x`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 30x;
    }
}

fn main() {}
