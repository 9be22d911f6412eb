// A delay written as a string: `after "30s"`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after "30s";
    }
}

fn main() {}
