//! The machine of the store benchmarks, on SQLite (`sqlite_pair.rs`) and
//! PostgreSQL (`store_pg.rs`): a light toggled for ever, so that every
//! event is a transition and the store, not the machine, is measured.

stateforge::state_machine! {
    /// A light, toggled for ever: every event is a transition.
    #[derive(Debug)]
    pub machine Light {
        context: u32;
        initial state Off;
        state On;
        event toggle: Off -> On, On -> Off;
    }
}
