// `pass` moves region `Tests` out of `Running`; once that region is
// final (`Passed`), the configuration has no `pass` any more.

stateforge::state_machine! {
    pub machine Run {
        initial state Queued;
        parallel state Building {
            region Tests { initial state Running; final state Passed; }
            region Docs { initial state Writing; final state Written; }
        }
        final state Released;
        event build: Queued -> Building;
        event pass: Running -> Passed;
        event write: Writing -> Written;
        event release: done(Building) -> Released;
    }
}

fn main() {
    let passed = Run::new().build().pass();
    let _again = passed.pass();
}
