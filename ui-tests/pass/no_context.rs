// A machine without a context: `new()` takes nothing and the context is `()`.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open;
        final state Removed;
        event open: Closed -> Open;
        event close: Open -> Closed;
        event remove: Closed -> Removed;
    }
}

fn main() {
    let door = Door::new().open().close();
    let () = *door.context();
    let gone = door.remove();
    assert_eq!(gone.state_name(), "removed");
}
