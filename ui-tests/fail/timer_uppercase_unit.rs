// A timer delay with an uppercase unit: `after 30S`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 30S;
    }
}

fn main() {}
