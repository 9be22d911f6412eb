// A guard path with generic arguments (`check::<u8>`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done if check::<u8>;
    }
}

fn main() {}
