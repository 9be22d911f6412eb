// `InActive` is implemented by the states inside `Active` only: a function
// taking a ticket somewhere in `Active` refuses an `Open` one.

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

fn cancel_active<S: InActive>(ticket: Ticket<S>) -> Ticket<S> {
    ticket
}

fn main() {
    let _ = cancel_active(Ticket::new());
}
