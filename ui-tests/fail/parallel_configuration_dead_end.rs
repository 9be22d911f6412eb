// A failed test run has no way out: the machine gets stuck in a
// configuration, which is no state one could mark `final`.
stateforge::state_machine! {
    machine Probe {
        initial state Idle;
        parallel state Work {
            region R { initial state Tests; state Failed; final state Done; }
            region S { initial state Docs; final state Written; }
        }
        final state Shipped;
        event go: Idle -> Work;
        event pass: Tests -> Done;
        event fail: Tests -> Failed;
        event write: Docs -> Written;
        event ship: done(Work) -> Shipped;
    }
}

fn main() {}
