// A machine without a context: its entry action takes the state alone.

stateforge::state_machine! {
    pub machine Lamp {
        initial state Off;
        state On entry light_up;
        event switch_on: Off -> On;
        event switch_off: On -> Off;
    }
}

fn light_up(_watts: &mut u32, _on: &On) {}

fn main() {}
