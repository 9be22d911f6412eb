// The macro called through a re-export, from a module that does not name `stateforge`.

mod m {
    pub use stateforge::state_machine;
}

mod machines {
    crate::m::state_machine! {
        pub machine Light {
            initial state Off;
            state On;
            event toggle: Off -> On, On -> Off;
        }
    }
}

fn main() {
    let light = machines::Light::new().toggle();
    assert_eq!(light.state_name(), "on");
}
