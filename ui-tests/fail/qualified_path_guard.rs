// A guard given as a qualified path `<T as Trait>::f`.

stateforge::state_machine! {
    machine Task {
        context: u32;
        initial state Pending;
        final state Done;
        event finish: Pending -> Done if <u32 as Ready>::ready;
    }
}

trait Ready { fn ready(&self, _: &Pending) -> bool; }
impl Ready for u32 { fn ready(&self, _: &Pending) -> bool { true } }

fn main() {}
