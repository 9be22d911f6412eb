// Every state the alternatives lead to is a variant: a match must handle each.

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
fn bad(_: &Submitted, score: &u8) -> bool {
    *score < 2
}

fn main() {
    match Order::new().decide(9) {
        OrderDecideFromSubmitted::Accepted(_) => {}
        OrderDecideFromSubmitted::Rejected(_) => {}
    }
}
