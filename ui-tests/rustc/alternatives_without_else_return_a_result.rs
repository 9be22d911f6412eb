// Without an unguarded alternative every guard may say no: the outcome comes in
// a `Result`, to be handled before it is matched.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        event decide(score: u8): Submitted -> Accepted if good, Submitted -> Rejected if bad;
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
