// A timer delay with a fractional delay: `after 1.5s`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 1.5s;
    }
}

fn main() {}
