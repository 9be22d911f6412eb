//! The macro works through a re-export, from a module that does not name
//! `stateforge` itself.

mod prelude {
    pub(crate) use stateforge::state_machine;
}

mod machines {
    super::prelude::state_machine! {
        /// Declared through a re-export.
        pub machine Light {
            initial state Off;
            state On;
            event toggle: Off -> On, On -> Off;
        }
    }
}

#[test]
fn the_macro_works_through_a_re_export() {
    let light = machines::Light::new().toggle();
    assert_eq!(light.state_name(), "on");
    assert_eq!(machines::AnyLight::definition().name(), "light");
}
