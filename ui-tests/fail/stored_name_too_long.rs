// Each name is 64 characters as written, within the limit, but its stored
// (snake_case) form is longer: the definition built at run time would
// refuse it, so the macro does.

stateforge::state_machine! {
    machine AbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAbAb {
        initial state Pending;
        final state AaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa;
        event finish: Pending -> AaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAaAa;
    }
}

fn main() {}
