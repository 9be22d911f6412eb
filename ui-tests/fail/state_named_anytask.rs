// A state named `AnyTask` collides with a type the macro generates for machine `Task`.

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state AnyTask;
        event finish: Pending -> AnyTask;
    }
}

fn main() {}
