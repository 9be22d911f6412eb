//! The machines the benchmarks compare: the agent dispatcher's task
//! machine declared with `state_machine!`, and the same machine written by
//! hand, once as a typestate and once as an `enum` + `match`. The peers'
//! versions live in `benches/any_enum.rs`, beside their dev-dependencies.
//!
//! Every version does the same work per transition: the same state data
//! (`u32` fields, so that the machine and not malloc is measured), the
//! same guard on `retry` (really evaluated: `retries < u32::MAX`) and the
//! same action (`retries += 1`). The hand-written functions are
//! `#[inline]` like the generated ones, so that crossing from this crate
//! into the bench binaries treats both alike.
#![forbid(unsafe_code)]

/// The context every version carries through every state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counters {
    /// How many times `retry` fired.
    pub retries: u32,
}

impl Counters {
    /// The guard of `retry`: always true in the benchmarks, but evaluated.
    #[inline]
    #[must_use]
    pub fn can_retry(&self) -> bool {
        self.retries < u32::MAX
    }

    /// The action of `retry`.
    #[inline]
    pub fn count_retry(&mut self) {
        self.retries += 1;
    }
}

/// The task machine declared with `state_machine!`.
pub mod ours {
    use super::Counters;

    stateforge::state_machine! {
        /// Use case 1's task machine, with fields that do not allocate.
        #[derive(Debug)]
        pub machine Task {
            context: Counters;

            initial state Pending;
            state Assigned { agent: u32 }
            state InProgress { agent: u32 }
            final state Completed;
            state Failed { reason: u32 }
            final state Escalated { reason: u32 }

            event assign(agent: u32): Pending -> Assigned;
            event start: Assigned -> InProgress;
            event complete: InProgress -> Completed;
            event fail(reason: u32): Assigned | InProgress -> Failed;
            event escalate(reason: u32): Assigned | InProgress -> Escalated;
            event retry: Failed -> Pending if can_retry => count_retry;
        }
    }

    #[inline]
    fn can_retry(ctx: &Counters, _from: &Failed) -> bool {
        ctx.can_retry()
    }

    #[inline]
    fn count_retry(ctx: &mut Counters, _from: &Failed) {
        ctx.count_retry();
    }
}

/// The same machine with `Assigned` and `InProgress` inside a compound
/// state `Active`, which `fail` and `escalate` leave: flattened by core
/// into the same configurations and transitions as [`ours`], so firing
/// should cost the same.
pub mod ours_compound {
    use super::Counters;

    stateforge::state_machine! {
        /// The task machine with a compound state.
        #[derive(Debug)]
        pub machine Task {
            context: Counters;

            initial state Pending;
            state Active {
                initial state Assigned { agent: u32 }
                state InProgress { agent: u32 }
            }
            final state Completed;
            state Failed { reason: u32 }
            final state Escalated { reason: u32 }

            event assign(agent: u32): Pending -> Active;
            event start: Assigned -> InProgress;
            event complete: InProgress -> Completed;
            event fail(reason: u32): Active -> Failed;
            event escalate(reason: u32): Active -> Escalated;
            event retry: Failed -> Pending if can_retry => count_retry;
        }
    }

    #[inline]
    fn can_retry(ctx: &Counters, _from: &Failed) -> bool {
        ctx.can_retry()
    }

    #[inline]
    fn count_retry(ctx: &mut Counters, _from: &Failed) {
        ctx.count_retry();
    }
}

/// The same machine as a hand-written typestate: one struct per state,
/// holding the same data as ours, and one method per transition.
pub mod hand_typed {
    use super::Counters;

    /// State `pending`.
    #[derive(Debug)]
    pub struct Pending;
    /// State `assigned`.
    #[derive(Debug)]
    pub struct Assigned {
        /// The agent.
        pub agent: u32,
    }
    /// State `in_progress`.
    #[derive(Debug)]
    pub struct InProgress {
        /// The agent.
        pub agent: u32,
    }
    /// State `completed`.
    #[derive(Debug)]
    pub struct Completed;
    /// State `failed`.
    #[derive(Debug)]
    pub struct Failed {
        /// Why.
        pub reason: u32,
    }
    /// State `escalated`.
    #[derive(Debug)]
    pub struct Escalated {
        /// Why.
        pub reason: u32,
    }

    /// The machine in state `S`.
    #[derive(Debug)]
    pub struct HTask<S> {
        /// The context.
        pub ctx: Counters,
        /// The state's data.
        pub state: S,
    }

    impl HTask<Pending> {
        /// A new machine.
        #[inline]
        #[must_use]
        pub fn new(ctx: Counters) -> Self {
            HTask {
                ctx,
                state: Pending,
            }
        }

        /// `assign`: pending -> assigned.
        #[inline]
        #[must_use]
        pub fn assign(self, agent: u32) -> HTask<Assigned> {
            HTask {
                ctx: self.ctx,
                state: Assigned { agent },
            }
        }
    }

    impl HTask<Assigned> {
        /// `start`: assigned -> in_progress.
        #[inline]
        #[must_use]
        pub fn start(self) -> HTask<InProgress> {
            HTask {
                ctx: self.ctx,
                state: InProgress {
                    agent: self.state.agent,
                },
            }
        }

        /// `fail`: assigned -> failed.
        #[inline]
        #[must_use]
        pub fn fail(self, reason: u32) -> HTask<Failed> {
            HTask {
                ctx: self.ctx,
                state: Failed { reason },
            }
        }

        /// `escalate`: assigned -> escalated.
        #[inline]
        #[must_use]
        pub fn escalate(self, reason: u32) -> HTask<Escalated> {
            HTask {
                ctx: self.ctx,
                state: Escalated { reason },
            }
        }
    }

    impl HTask<InProgress> {
        /// `complete`: in_progress -> completed.
        #[inline]
        #[must_use]
        pub fn complete(self) -> HTask<Completed> {
            HTask {
                ctx: self.ctx,
                state: Completed,
            }
        }

        /// `fail`: in_progress -> failed.
        #[inline]
        #[must_use]
        pub fn fail(self, reason: u32) -> HTask<Failed> {
            HTask {
                ctx: self.ctx,
                state: Failed { reason },
            }
        }

        /// `escalate`: in_progress -> escalated.
        #[inline]
        #[must_use]
        pub fn escalate(self, reason: u32) -> HTask<Escalated> {
            HTask {
                ctx: self.ctx,
                state: Escalated { reason },
            }
        }
    }

    impl HTask<Failed> {
        /// `retry`: failed -> pending, if the guard allows it.
        ///
        /// # Errors
        ///
        /// The machine, unchanged, when the guard says no.
        #[inline]
        pub fn retry(mut self) -> Result<HTask<Pending>, HTask<Failed>> {
            if !self.ctx.can_retry() {
                return Err(self);
            }
            self.ctx.count_retry();
            Ok(HTask {
                ctx: self.ctx,
                state: Pending,
            })
        }
    }
}

/// The same machine as a hand-written `enum` + `match`, refusing an event
/// by handing back the machine and the event, like ours.
pub mod hand_enum {
    use super::Counters;

    /// The machine in any state, with the state's data.
    #[derive(Debug)]
    pub enum HAny {
        /// `pending`.
        Pending(Counters),
        /// `assigned`, with the agent.
        Assigned(Counters, u32),
        /// `in_progress`, with the agent.
        InProgress(Counters, u32),
        /// `completed`.
        Completed(Counters),
        /// `failed`, with the reason.
        Failed(Counters, u32),
        /// `escalated`, with the reason.
        Escalated(Counters, u32),
    }

    /// The events with their arguments (also the input the rust-fsm and
    /// statig versions take).
    #[derive(Debug, Clone, Copy)]
    pub enum Event {
        /// `assign(agent)`.
        Assign(u32),
        /// `start`.
        Start,
        /// `complete`.
        Complete,
        /// `fail(reason)`.
        Fail(u32),
        /// `escalate(reason)`.
        Escalate(u32),
        /// `retry`.
        Retry,
    }

    impl HAny {
        /// A new machine, in `pending`.
        #[inline]
        #[must_use]
        pub fn new(ctx: Counters) -> Self {
            HAny::Pending(ctx)
        }

        /// Fires `event`.
        ///
        /// # Errors
        ///
        /// The machine and the event, unchanged, when no transition takes
        /// the event or the guard says no.
        #[inline]
        pub fn fire(self, event: Event) -> Result<HAny, (HAny, Event)> {
            match (self, event) {
                (HAny::Pending(c), Event::Assign(agent)) => Ok(HAny::Assigned(c, agent)),
                (HAny::Assigned(c, agent), Event::Start) => Ok(HAny::InProgress(c, agent)),
                (HAny::InProgress(c, _), Event::Complete) => Ok(HAny::Completed(c)),
                (HAny::Assigned(c, _) | HAny::InProgress(c, _), Event::Fail(reason)) => {
                    Ok(HAny::Failed(c, reason))
                }
                (HAny::Assigned(c, _) | HAny::InProgress(c, _), Event::Escalate(reason)) => {
                    Ok(HAny::Escalated(c, reason))
                }
                (HAny::Failed(mut c, reason), Event::Retry) => {
                    if !c.can_retry() {
                        return Err((HAny::Failed(c, reason), Event::Retry));
                    }
                    c.count_retry();
                    Ok(HAny::Pending(c))
                }
                (machine, event) => Err((machine, event)),
            }
        }

        /// Fires `event` in place, the shape the peers' APIs have
        /// (`&mut self`): the same transitions as [`HAny::fire`], to tell
        /// the cost of firing by value from the cost of the `match`.
        ///
        /// # Errors
        ///
        /// The event, when no transition takes it or the guard says no;
        /// the machine is then unchanged.
        #[inline]
        pub fn fire_in_place(&mut self, event: Event) -> Result<(), Event> {
            *self = match (&*self, event) {
                (HAny::Pending(c), Event::Assign(agent)) => HAny::Assigned(*c, agent),
                (HAny::Assigned(c, agent), Event::Start) => HAny::InProgress(*c, *agent),
                (HAny::InProgress(c, _), Event::Complete) => HAny::Completed(*c),
                (HAny::Assigned(c, _) | HAny::InProgress(c, _), Event::Fail(reason)) => {
                    HAny::Failed(*c, reason)
                }
                (HAny::Assigned(c, _) | HAny::InProgress(c, _), Event::Escalate(reason)) => {
                    HAny::Escalated(*c, reason)
                }
                (HAny::Failed(c, _), Event::Retry) => {
                    if !c.can_retry() {
                        return Err(event);
                    }
                    let mut c = *c;
                    c.count_retry();
                    HAny::Pending(c)
                }
                (_, event) => return Err(event),
            };
            Ok(())
        }
    }

    /// The same machine with the context beside the state enum rather
    /// than inside each variant, the representation of rust-fsm and
    /// smlang (whose context never moves), fired by value like ours.
    #[derive(Debug)]
    pub struct HSplit {
        /// The context, never rebuilt by a transition.
        pub ctx: Counters,
        /// The state and its data.
        pub state: HState,
    }

    /// The states of [`HSplit`], with their data.
    #[derive(Debug, Clone, Copy)]
    pub enum HState {
        /// `pending`.
        Pending,
        /// `assigned`, with the agent.
        Assigned(u32),
        /// `in_progress`, with the agent.
        InProgress(u32),
        /// `completed`.
        Completed,
        /// `failed`, with the reason.
        Failed(u32),
        /// `escalated`, with the reason.
        Escalated(u32),
    }

    impl HSplit {
        /// A new machine, in `pending`.
        #[inline]
        #[must_use]
        pub fn new(ctx: Counters) -> Self {
            HSplit {
                ctx,
                state: HState::Pending,
            }
        }

        /// Fires `event`, by value.
        ///
        /// # Errors
        ///
        /// The machine and the event, unchanged, when no transition takes
        /// the event or the guard says no.
        #[inline]
        pub fn fire(mut self, event: Event) -> Result<HSplit, (HSplit, Event)> {
            self.state = match (self.state, event) {
                (HState::Pending, Event::Assign(agent)) => HState::Assigned(agent),
                (HState::Assigned(agent), Event::Start) => HState::InProgress(agent),
                (HState::InProgress(_), Event::Complete) => HState::Completed,
                (HState::Assigned(_) | HState::InProgress(_), Event::Fail(reason)) => {
                    HState::Failed(reason)
                }
                (HState::Assigned(_) | HState::InProgress(_), Event::Escalate(reason)) => {
                    HState::Escalated(reason)
                }
                (HState::Failed(_), Event::Retry) => {
                    if !self.ctx.can_retry() {
                        return Err((self, event));
                    }
                    self.ctx.count_retry();
                    HState::Pending
                }
                (_, event) => return Err((self, event)),
            };
            Ok(self)
        }

        /// Fires `event` in place.
        ///
        /// # Errors
        ///
        /// The event, when no transition takes it or the guard says no.
        #[inline]
        pub fn fire_in_place(&mut self, event: Event) -> Result<(), Event> {
            self.state = match (self.state, event) {
                (HState::Pending, Event::Assign(agent)) => HState::Assigned(agent),
                (HState::Assigned(agent), Event::Start) => HState::InProgress(agent),
                (HState::InProgress(_), Event::Complete) => HState::Completed,
                (HState::Assigned(_) | HState::InProgress(_), Event::Fail(reason)) => {
                    HState::Failed(reason)
                }
                (HState::Assigned(_) | HState::InProgress(_), Event::Escalate(reason)) => {
                    HState::Escalated(reason)
                }
                (HState::Failed(_), Event::Retry) => {
                    if !self.ctx.can_retry() {
                        return Err(event);
                    }
                    self.ctx.count_retry();
                    HState::Pending
                }
                (_, event) => return Err(event),
            };
            Ok(())
        }
    }
}

/// The task machine without state data (no `agent`, no `reason`), for the
/// comparison with rust-fsm, whose states cannot hold data: the same
/// context, guard and action.
pub mod lean {
    use super::Counters;

    stateforge::state_machine! {
        /// Use case 1's task machine, its states without data.
        #[derive(Debug)]
        pub machine Lean {
            context: Counters;

            initial state Pending;
            state Assigned;
            state InProgress;
            final state Completed;
            state Failed;
            final state Escalated;

            event assign: Pending -> Assigned;
            event start: Assigned -> InProgress;
            event complete: InProgress -> Completed;
            event fail: Assigned | InProgress -> Failed;
            event escalate: Assigned | InProgress -> Escalated;
            event retry: Failed -> Pending if can_retry => count_retry;
        }
    }

    #[inline]
    fn can_retry(ctx: &Counters, _from: &Failed) -> bool {
        ctx.can_retry()
    }

    #[inline]
    fn count_retry(ctx: &mut Counters, _from: &Failed) {
        ctx.count_retry();
    }

    /// The events of the hand-written machine and of the peers' (without
    /// arguments, like ours).
    #[derive(Debug, Clone, Copy)]
    pub enum LeanInput {
        /// `assign`.
        Assign,
        /// `start`.
        Start,
        /// `complete`.
        Complete,
        /// `fail`.
        Fail,
        /// `escalate`.
        Escalate,
        /// `retry`.
        Retry,
    }

    /// The same machine as a hand-written `enum` + `match` in place, the
    /// context in every variant as in ours.
    #[derive(Debug)]
    pub enum HLean {
        /// `pending`.
        Pending(Counters),
        /// `assigned`.
        Assigned(Counters),
        /// `in_progress`.
        InProgress(Counters),
        /// `completed`.
        Completed(Counters),
        /// `failed`.
        Failed(Counters),
        /// `escalated`.
        Escalated(Counters),
    }

    impl HLean {
        /// A new machine, in `pending`.
        #[inline]
        #[must_use]
        pub fn new(ctx: Counters) -> Self {
            HLean::Pending(ctx)
        }

        /// Fires `event` in place.
        ///
        /// # Errors
        ///
        /// The event, when no transition takes it or the guard says no;
        /// the machine is then unchanged.
        #[inline]
        pub fn fire_in_place(&mut self, event: LeanInput) -> Result<(), LeanInput> {
            *self = match (&*self, event) {
                (HLean::Pending(c), LeanInput::Assign) => HLean::Assigned(*c),
                (HLean::Assigned(c), LeanInput::Start) => HLean::InProgress(*c),
                (HLean::InProgress(c), LeanInput::Complete) => HLean::Completed(*c),
                (HLean::Assigned(c) | HLean::InProgress(c), LeanInput::Fail) => HLean::Failed(*c),
                (HLean::Assigned(c) | HLean::InProgress(c), LeanInput::Escalate) => {
                    HLean::Escalated(*c)
                }
                (HLean::Failed(c), LeanInput::Retry) => {
                    if !c.can_retry() {
                        return Err(event);
                    }
                    let mut c = *c;
                    c.count_retry();
                    HLean::Pending(c)
                }
                (_, event) => return Err(event),
            };
            Ok(())
        }
    }
}
