// A guard path with generic arguments (`check::<u8>`), written as an expression writes it.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Done;
        event finish: Pending -> Done if check::<u8>;
    }
}

fn check<T: Default + PartialEq>(_from: &Pending) -> bool {
    T::default() == T::default()
}

fn main() {
    let done = Task::new().finish().ok().unwrap();
    assert_eq!(done.state_name(), "done");
}
