// `after` written before `if`: the guard comes first.

stateforge::state_machine! {
    machine Task {
        context: u32;
        initial state Pending;
        final state Expired;
        event expire: Pending -> Expired after 30s if ready;
    }
}

fn ready(_: &u32, _: &Pending) -> bool { true }

fn main() {}
