// `after` without a delay.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after;
    }
}

fn main() {}
