// `start` leaves `Assigned` only, not its sibling `Working` inside the same
// compound state: the error names the leaf and the events it has, its
// parent's included.

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
    let working = Ticket::new().assign("ada".into()).start();
    let _again = working.start();
}
