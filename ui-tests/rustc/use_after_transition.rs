// A transition takes the machine by value: the old one cannot be used after it.

stateforge::state_machine! {
    pub machine Task {
        initial state Pending;
        state Running;
        final state Done;
        event start: Pending -> Running;
        event finish: Running -> Done;
    }
}

fn main() {
    let pending = Task::new();
    let _running = pending.start();
    let _again = pending.start();
}
