// The else's action takes the wrong source state: the error is on that action's path.

stateforge::state_machine! {
    machine Order {
        context: u32;
        initial state Submitted;
        final state Accepted;
        final state Review;
        event decide: Submitted -> Accepted if good => count, Submitted -> Review => note;
    }
}

fn good(_: &u32, _: &Submitted) -> bool {
    true
}
fn count(n: &mut u32, _: &Submitted) {
    *n += 1;
}
fn note(n: &mut u32, _: &Accepted) {
    *n += 1;
}

fn main() {}
