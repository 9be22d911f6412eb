// `Held` is left without a guard by the first transition, which lists two sources:
// the alternative out of `Held` after it would never be tried.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        state Held;
        final state Accepted;
        final state Rejected;
        event hold: Submitted -> Held;
        event decide: Submitted | Held -> Accepted, Held -> Rejected if bad;
    }
}

fn bad(_: &Held) -> bool {
    true
}

fn main() {}
