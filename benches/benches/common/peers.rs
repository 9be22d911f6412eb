//! The task machine in the peers rust-fsm, smlang and statig, shared by
//! `any_enum.rs` and the `callgrind` driver. Each keeps the same data as
//! ours (`agent` and `reason` as `u32`, the retry counter in the
//! context), evaluates the same guard on `retry` and runs the same action.
//! Written from each crate's documentation (README and examples of
//! rust-fsm 0.8, smlang 0.8, statig 0.4).

/// rust-fsm: states and inputs without data, no guards and no actions.
/// A rust-fsm user keeps the data beside the machine and checks the guard
/// and runs the action around `consume`, as `FsmTask::fire` does.
pub(crate) mod peer_fsm {
    use rust_fsm::TransitionImpossibleError;
    use stateforge_benches::Counters;
    use stateforge_benches::hand_enum::Event;

    rust_fsm::state_machine! {
        pub(crate) task(Pending)

        Pending(Assign) => Assigned,
        Assigned => {
            Start => InProgress,
            Fail => Failed,
            Escalate => Escalated
        },
        InProgress => {
            Complete => Completed,
            Fail => Failed,
            Escalate => Escalated
        },
        Failed(Retry) => Pending,
    }

    /// The machine with the data rust-fsm cannot keep in its states.
    pub(crate) struct FsmTask {
        machine: task::StateMachine,
        ctx: Counters,
        agent: u32,
        reason: u32,
    }

    impl FsmTask {
        pub(crate) fn new(ctx: Counters) -> Self {
            FsmTask {
                machine: task::StateMachine::new(),
                ctx,
                agent: 0,
                reason: 0,
            }
        }

        #[inline]
        pub(crate) fn fire(&mut self, event: Event) -> Result<(), TransitionImpossibleError> {
            match event {
                Event::Assign(agent) => {
                    self.machine.consume(&task::Input::Assign)?;
                    self.agent = agent;
                }
                Event::Start => {
                    self.machine.consume(&task::Input::Start)?;
                }
                Event::Complete => {
                    self.machine.consume(&task::Input::Complete)?;
                }
                Event::Fail(reason) => {
                    self.machine.consume(&task::Input::Fail)?;
                    self.reason = reason;
                }
                Event::Escalate(reason) => {
                    self.machine.consume(&task::Input::Escalate)?;
                    self.reason = reason;
                }
                Event::Retry => {
                    // The guard must run before `consume` moves the state.
                    if !self.ctx.can_retry() {
                        return Err(TransitionImpossibleError);
                    }
                    self.machine.consume(&task::Input::Retry)?;
                    self.ctx.count_retry();
                }
            }
            Ok(())
        }
    }
}

/// smlang: state data, event data, guards and actions in its DSL; the
/// actions build the target state's data.
pub(crate) mod peer_smlang {
    use stateforge_benches::Counters;

    smlang::statemachine! {
        name: Task,
        transitions: {
            *Pending + Assign(u32) / take_agent = Assigned(u32),
            Assigned(u32) + Start / keep_agent = InProgress(u32),
            InProgress(u32) + Complete = Completed,
            Assigned(u32) | InProgress(u32) + Fail(u32) / take_reason = Failed(u32),
            Assigned(u32) | InProgress(u32) + Escalate(u32) / take_reason = Escalated(u32),
            Failed(u32) + Retry [can_retry] / count_retry = Pending,
        }
    }

    /// The context: smlang calls guards and actions on it.
    pub(crate) struct Ctx(pub(crate) Counters);

    impl TaskStateMachineContext for Ctx {
        #[inline]
        fn take_agent(&mut self, agent: u32) -> Result<u32, ()> {
            Ok(agent)
        }

        #[inline]
        fn keep_agent(&mut self, agent: &u32) -> Result<u32, ()> {
            Ok(*agent)
        }

        #[inline]
        fn take_reason(&mut self, _agent: &u32, reason: u32) -> Result<u32, ()> {
            Ok(reason)
        }

        #[inline]
        fn can_retry(&self, _reason: &u32) -> Result<bool, ()> {
            Ok(self.0.can_retry())
        }

        #[inline]
        fn count_retry(&mut self, _reason: &u32) -> Result<(), ()> {
            self.0.count_retry();
            Ok(())
        }
    }

    pub(crate) const CYCLE: [TaskEvents; 4] = [
        TaskEvents::Assign(7),
        TaskEvents::Start,
        TaskEvents::Fail(3),
        TaskEvents::Retry,
    ];
}

/// statig: one handler per state, state-local storage for the state data,
/// the context as the shared storage; an unhandled event is ignored.
pub(crate) mod peer_statig {
    use stateforge_benches::Counters;
    use stateforge_benches::hand_enum::Event;
    use statig::prelude::*;

    #[derive(Default)]
    pub(crate) struct StTask {
        ctx: Counters,
    }

    #[state_machine(initial = "State::pending()")]
    impl StTask {
        #[state]
        fn pending(event: &Event) -> Outcome<State> {
            match event {
                Event::Assign(agent) => Transition(State::assigned(*agent)),
                _ => Super,
            }
        }

        #[state]
        fn assigned(agent: &mut u32, event: &Event) -> Outcome<State> {
            match event {
                Event::Start => Transition(State::in_progress(*agent)),
                Event::Fail(reason) => Transition(State::failed(*reason)),
                Event::Escalate(reason) => Transition(State::escalated(*reason)),
                _ => Super,
            }
        }

        #[state]
        fn in_progress(agent: &mut u32, event: &Event) -> Outcome<State> {
            let _ = agent;
            match event {
                Event::Complete => Transition(State::completed()),
                Event::Fail(reason) => Transition(State::failed(*reason)),
                Event::Escalate(reason) => Transition(State::escalated(*reason)),
                _ => Super,
            }
        }

        #[state]
        fn completed() -> Outcome<State> {
            Super
        }

        #[state]
        fn failed(&mut self, reason: &mut u32, event: &Event) -> Outcome<State> {
            let _ = reason;
            match event {
                Event::Retry if self.ctx.can_retry() => {
                    self.ctx.count_retry();
                    Transition(State::pending())
                }
                _ => Super,
            }
        }

        #[state]
        fn escalated(reason: &mut u32) -> Outcome<State> {
            let _ = reason;
            Super
        }
    }
}

/// rust-fsm on the machine without state data: the context beside it,
/// the guard and the action around `consume`.
pub(crate) mod lean_fsm {
    use rust_fsm::TransitionImpossibleError;
    use stateforge_benches::Counters;
    use stateforge_benches::lean::LeanInput;

    rust_fsm::state_machine! {
        pub(crate) lean(Pending)

        Pending(Assign) => Assigned,
        Assigned => {
            Start => InProgress,
            Fail => Failed,
            Escalate => Escalated
        },
        InProgress => {
            Complete => Completed,
            Fail => Failed,
            Escalate => Escalated
        },
        Failed(Retry) => Pending,
    }

    /// The machine and its context.
    pub(crate) struct FsmLean {
        machine: lean::StateMachine,
        ctx: Counters,
    }

    impl FsmLean {
        pub(crate) fn new(ctx: Counters) -> Self {
            FsmLean {
                machine: lean::StateMachine::new(),
                ctx,
            }
        }

        /// One `consume` per event with its input spelled out, as
        /// `FsmTask::fire` does: the form LLVM specializes best.
        #[inline]
        pub(crate) fn fire(&mut self, event: LeanInput) -> Result<(), TransitionImpossibleError> {
            match event {
                LeanInput::Assign => self.machine.consume(&lean::Input::Assign).map(drop),
                LeanInput::Start => self.machine.consume(&lean::Input::Start).map(drop),
                LeanInput::Complete => self.machine.consume(&lean::Input::Complete).map(drop),
                LeanInput::Fail => self.machine.consume(&lean::Input::Fail).map(drop),
                LeanInput::Escalate => self.machine.consume(&lean::Input::Escalate).map(drop),
                LeanInput::Retry => {
                    // The guard must run before `consume` moves the state.
                    if !self.ctx.can_retry() {
                        return Err(TransitionImpossibleError);
                    }
                    self.machine.consume(&lean::Input::Retry)?;
                    self.ctx.count_retry();
                    Ok(())
                }
            }
        }
    }
}

/// smlang on the machine without state data.
// The cycle builds four of its six events.
#[allow(dead_code)]
pub(crate) mod lean_smlang {
    use stateforge_benches::Counters;

    smlang::statemachine! {
        name: Lean,
        transitions: {
            *Pending + Assign = Assigned,
            Assigned + Start = InProgress,
            InProgress + Complete = Completed,
            Assigned | InProgress + Fail = Failed,
            Assigned | InProgress + Escalate = Escalated,
            Failed + Retry [can_retry] / count_retry = Pending,
        }
    }

    /// The context: smlang calls the guard and the action on it.
    pub(crate) struct Ctx(pub(crate) Counters);

    impl LeanStateMachineContext for Ctx {
        #[inline]
        fn can_retry(&self) -> Result<bool, ()> {
            Ok(self.0.can_retry())
        }

        #[inline]
        fn count_retry(&mut self) -> Result<(), ()> {
            self.0.count_retry();
            Ok(())
        }
    }

    pub(crate) const CYCLE: [LeanEvents; 4] = [
        LeanEvents::Assign,
        LeanEvents::Start,
        LeanEvents::Fail,
        LeanEvents::Retry,
    ];
}
