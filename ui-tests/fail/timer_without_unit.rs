// A timer delay with no unit: `after 30`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 30;
    }
}

fn main() {}
