// `cancel` is declared from `Active`, so every state inside it has it; a
// ticket still `Open` is not inside `Active`.

stateforge::state_machine! {
    pub machine Ticket {
        initial state Open;
        state Active {
            initial state Assigned { agent: String }
            state Working { agent: String }
        }
        final state Cancelled;
        event assign(agent: String): Open -> Active;
        event start: Assigned -> Working;
        event cancel: Active -> Cancelled;
    }
}

fn main() {
    let _cancelled = Ticket::new().cancel();
}
