// The action written before the guard: `if` comes first, then `=>`.

stateforge::state_machine! {
    machine Task {
        context: u32;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done => stamp if ready;
    }
}

fn ready(_: &u32, _: &Pending) -> bool { true }
fn stamp(_: &mut u32, _: &Pending) {}

fn main() {}
