// With guarded alternatives the method returns where it led, an enum: it is
// not the machine in one of the states.

stateforge::state_machine! {
    machine Order {
        initial state Submitted;
        final state Accepted;
        final state Rejected;
        event decide(score: u8): Submitted -> Accepted if good, Submitted -> Rejected;
    }
}

fn good(_: &Submitted, score: &u8) -> bool {
    *score > 5
}

fn main() {
    let accepted: Order<Accepted> = Order::new().decide(9);
    let _ = accepted;
}
