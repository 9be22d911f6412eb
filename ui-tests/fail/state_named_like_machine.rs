// A state named like the machine itself (`Task`).

stateforge::state_machine! {
    machine Task {
        initial state Pending;
        final state Task;
        event finish: Pending -> Task;
    }
}

fn main() {}
