// A machine with one state and no event, under `deny(warnings)`: nothing of
// the generated code goes unused, and firing is matching an empty enum.
#![deny(warnings)]

stateforge::state_machine! {
    machine Lone {
        initial final state Only;
    }
}

fn main() {
    let lone = AnyLone::from(Lone::new());
    assert!(lone.is_final());
    assert!(lone.allowed_events().is_empty());
    assert_eq!(AnyLone::definition().events().len(), 0);
}
