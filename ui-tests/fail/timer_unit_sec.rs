// A timer delay with a unit spelled out: `after 30sec`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 30sec;
    }
}

fn main() {}
