// `write` moves region `Docs` only: region `Tests` stays `Running`.

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
    let _both: Run<Building<Passed, Written>> = Run::new().build().write();
}
