// The context has no `Serialize`: the machine still compiles, and writing
// it as JSON is what fails, naming the context type.

stateforge::state_machine! {
    pub machine Task {
        context: Ticket;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

pub struct Ticket {
    pub id: u32,
}

fn main() {
    let task = Task::new(Ticket { id: 1 });
    let _ = serde_json::to_string(&task);
}
