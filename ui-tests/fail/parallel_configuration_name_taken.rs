// A configuration of `Work` is typed `WorkTestsDocs` (the parallel state's
// name and its regions' states, joined), a name the machine already gives
// a state.

stateforge::state_machine! {
    machine Probe {
        initial state Idle;
        parallel state Work {
            region R { initial state Tests; final state Done; }
            region S { initial state Docs; final state Written; }
        }
        final state WorkTestsDocs;
        event go: Idle -> Work;
        event pass: Tests -> Done;
        event write: Docs -> Written;
        event odd: Idle -> WorkTestsDocs;
    }
}

fn main() {}
