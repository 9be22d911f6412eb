// A timer on an arm whose source is unknown: the unknown state is the error.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending | Waiting -> Expired after 30s;
    }
}

fn main() {}
