// Entering `Active` enters its initial state `Assigned`: the machine is a
// `Ticket<Assigned>`, not one of its siblings.

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
    let _working: Ticket<Working> = Ticket::new().assign("ada".into());
}
