// A state named `TaskState` collides with a type the macro generates for machine `Task`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state TaskState;
        event finish: Pending -> TaskState;
    }
}

fn main() {}
