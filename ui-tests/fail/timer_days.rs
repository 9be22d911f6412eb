// A timer delay with days, which are not a unit: `after 2d`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 2d;
    }
}

fn main() {}
