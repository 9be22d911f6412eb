// A state named `TaskEvent` collides with a type the macro generates for machine `Task`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state TaskEvent;
        event finish: Pending -> TaskEvent;
    }
}

fn main() {}
