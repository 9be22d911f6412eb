// An entry action written as a closure: name a function instead.

stateforge::state_machine! {
    machine Door {
        initial state Closed;
        state Open entry |_: &Open| {};
        event open: Closed -> Open;
        event close: Open -> Closed;
    }
}

fn main() {}
