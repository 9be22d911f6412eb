// The context is `Serialize` but not `Deserialize`: reading the any-enum
// back from JSON fails, naming the context type.

stateforge::state_machine! {
    pub machine Task {
        context: Ticket;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done;
    }
}

#[derive(serde::Serialize)]
pub struct Ticket {
    pub id: u32,
}

fn main() {
    let _ = serde_json::from_str::<AnyTask>("{}");
}
