//! A machine whose context and state data are not serializable compiles
//! and runs with the `serde` feature on: serde impls are only offered
//! where the types allow them.

struct Plain;
struct Bulb(u8);

stateforge::state_machine! {
    machine Light {
        context: Plain;
        initial state Off;
        state On { bulb: Bulb }
        event switch_on(bulb: Bulb): Off -> On;
        event switch_off: On -> Off;
    }
}

#[test]
fn machine_without_serializable_types_works() {
    let on = Light::new(Plain).switch_on(Bulb(60));
    assert_eq!(on.state().bulb.0, 60);
    let off = on.switch_off();
    assert_eq!(AnyLight::from(off).state(), LightState::Off);
}
