// Two states that lead to each other but that nothing leads into are unreachable.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        state Ping;
        state Pong;
        final state Done;
        event finish: Pending -> Done;
        event ping: Pong -> Ping;
        event pong: Ping -> Pong;
    }
}

fn main() {}
