//! Which timers a transition leaves running.
//!
//! A timer belongs to the state that declares it: entering that state
//! starts it, leaving it cancels it, and a transition that does neither
//! leaves it running, due when it was. In a machine with compound or
//! parallel states, a transition may change the configuration around a
//! state that stays active (another region moves, or a compound state
//! moves between its children): that state's timers keep running. A
//! store writes a transition from this: the target's timers it keeps, the
//! others it starts, and every other timer of the entity it cancels.

use crate::definition::{Definition, EventId, StateId, Timer};

impl Definition {
    /// Whether `timer`, one of the timers of the state `event` leads to
    /// from `from` (its [`Timer::state`]), keeps running across that
    /// transition instead of starting again: the state declaring it
    /// ([`Timer::declared_by`]) was active in `from` with this timer, and
    /// the transition neither leaves nor enters it.
    ///
    /// A transition from a state to itself leaves it and enters it again,
    /// so that state's timers start again; in a flat machine, where every
    /// state declares its own timers, no transition keeps one. When
    /// guarded alternatives lead from `from` by `event` to the timer's
    /// state, it is kept only if each of them keeps it: a store knows
    /// where the machine went, not which of them it took. `false` when no
    /// arm of `event` leads there from `from`.
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec, TimerSpec};
    /// // A job works and logs at once; working times out after ten seconds.
    /// let def = Definition::new(
    ///     MachineSpec::new("job")
    ///         .state(StateSpec::parallel("running").marked_initial())
    ///         .state(StateSpec::compound("work").child_of("running"))
    ///         .state(StateSpec::initial("busy").child_of("work"))
    ///         .state(StateSpec::final_state("idle").child_of("work"))
    ///         .state(StateSpec::compound("log").child_of("running"))
    ///         .state(StateSpec::initial("quiet").child_of("log"))
    ///         .state(StateSpec::final_state("loud").child_of("log"))
    ///         .event(EventSpec::new("time_out").arm(ArmSpec::new(["busy"], "idle")))
    ///         .event(EventSpec::new("shout").arm(ArmSpec::new(["quiet"], "loud")))
    ///         .timer(TimerSpec::new("busy", "time_out", 10_000)),
    /// )?;
    /// let shout = def.event_id("shout").unwrap();
    /// let loud = def.transition(def.initial(), shout).unwrap().to;
    /// assert_eq!(def.state_name(loud), "running.work.busy,running.log.loud");
    /// let timer = def.timers_of(loud).next().unwrap();
    /// assert_eq!(def.spec().states[timer.declared_by].name, "busy");
    /// // The log region moved; `busy` stayed active, its timer runs on.
    /// assert!(def.keeps_timer(def.initial(), shout, timer));
    /// # Ok::<(), stateforge_core::InvalidDefinition>(())
    /// ```
    pub fn keeps_timer(&self, from: StateId, event: EventId, timer: &Timer) -> bool {
        let Some(first) = self.transition_index(from, event) else {
            return false;
        };
        let mut leading_there = self
            .alternatives(from, event)
            .iter()
            .enumerate()
            .filter(|(_, t)| t.to == timer.state)
            .map(|(i, _)| first + i)
            .peekable();
        leading_there.peek().is_some()
            && self
                .timers_of(from)
                .any(|t| t.event == timer.event && t.declared_by == timer.declared_by)
            && leading_there.all(|i| !self.left_by(i).contains(&timer.declared_by))
    }
}
