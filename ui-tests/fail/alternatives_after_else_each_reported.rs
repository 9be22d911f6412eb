// Every alternative after an else is reported, each on its own source.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        final state Review;
        event decide:
            Submitted -> Accepted if good,
            Submitted -> Review,
            Submitted -> Rejected if bad,
            Submitted -> Accepted;
    }
}

fn good(_: &Submitted) -> bool {
    true
}
fn bad(_: &Submitted) -> bool {
    true
}

fn main() {}
