//! The machines the suite stores.

pub(crate) use crate::stored_task::{AnyTask, Record, Task, TaskEvent, TaskState};

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Breaker {
        context: u32;
        initial state Closed;
        state Open;
        state HalfOpen;
        event trip: Closed | HalfOpen -> Open;
        event reset: Open -> HalfOpen after 30s;
        event recover: HalfOpen -> Closed;
    }
}

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Lamp {
        context: u64;
        initial state Off;
        state On;
        event toggle: Off -> On, On -> Off;
        event dim: On -> Off after 30s;
    }
}

stateforge::state_machine! {
    /// A machine whose timer falls due while a test waits for it.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Kettle {
        initial state Heating;
        final state Boiled;
        event boil: Heating -> Boiled after 100ms;
    }
}

stateforge::state_machine! {
    /// A machine whose every firing arms the next timer, due almost at once.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Ticker {
        initial state Tick;
        state Tock;
        event tock: Tick -> Tock after 1ms;
        event tick: Tock -> Tick after 1ms;
    }
}

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Light {
        initial state Dark;
        state Lit;
        event toggle: Dark -> Lit, Lit -> Dark;
    }
}

/// A task in `pending`.
pub fn new_task() -> AnyTask {
    Task::new(Record {
        title: "ship".into(),
        retries: 0,
    })
    .into()
}

stateforge::state_machine! {
    /// A machine whose context serde_json cannot write: a map with
    /// tuple keys.
    #[derive(Debug)]
    pub machine Gauge {
        context: std::collections::HashMap<(u8, u8), u8>;
        initial state Idle;
        final state Busy;
        event run: Idle -> Busy;
    }
}

stateforge::state_machine! {
    #[derive(Debug, Clone, PartialEq)]
    pub machine Turnstile {
        context: u32;
        initial state Locked;
        state Unlocked;
        event coin: Locked -> Unlocked if paid;
        event push: Unlocked -> Locked;
    }
}

/// The context counts the coins paid; none paid, the guard refuses.
fn paid(coins: &u32, _from: &Locked) -> bool {
    *coins > 0
}

stateforge::state_machine! {
    /// Two timers in one state, one of which re-enters it: firing `poll`
    /// cancels the `give_up` armed with it.
    #[derive(Debug, Clone, PartialEq)]
    pub machine Poller {
        context: u32;
        initial state Waiting;
        final state GaveUp;
        event poll: Waiting -> Waiting after 10s;
        event give_up: Waiting -> GaveUp after 20s;
    }
}
