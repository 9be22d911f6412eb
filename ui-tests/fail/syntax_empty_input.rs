// Syntax: an empty invocation.

stateforge::state_machine! {}

fn main() {}
