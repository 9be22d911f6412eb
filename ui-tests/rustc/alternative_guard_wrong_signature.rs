// The second alternative's guard forgets the event's argument: the error is on
// that guard's path.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        final state Review;
        event decide(score: u8):
            Submitted -> Accepted if good,
            Submitted -> Rejected if bad,
            Submitted -> Review;
    }
}

fn good(_: &Submitted, score: &u8) -> bool {
    *score > 5
}
fn bad(_: &Submitted) -> bool {
    false
}

fn main() {}
