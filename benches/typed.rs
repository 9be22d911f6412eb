//! The generated machine beside the same machine written by hand, in one
//! run: typed transitions vs a hand-written typestate, and `AnyTask::fire`
//! vs a hand-written `enum` + `match`. The workload is use case 1's task
//! machine cycling assign, start, fail, retry (retry guarded by a check
//! that really runs, and counted by an action), plus a refused event.
//!
//! Events are passed through `black_box`: with them visible, LLVM folds
//! the hand-written match over a known sequence, which no real caller
//! gets.
//!
//! Run: `cargo bench --bench typed -- --warm-up-time 1 --measurement-time 3`.

// criterion's macros generate undocumented functions.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

stateforge::state_machine! {
    /// The task machine, with fields that do not allocate so that the
    /// machine, not malloc, is measured.
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

/// The context both versions carry.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counters {
    retries: u32,
}

fn can_retry(c: &Counters, _from: &Failed) -> bool {
    c.retries < u32::MAX
}

fn count_retry(c: &mut Counters, _from: &Failed) {
    c.retries += 1;
}

/// The same machine as a hand-written typestate. Its states hold the same
/// data as ours, read or not, so both move the same bytes.
#[allow(dead_code)]
mod hand {
    use super::Counters;

    pub(crate) struct Pending;
    pub(crate) struct Assigned {
        pub(crate) agent: u32,
    }
    pub(crate) struct InProgress {
        pub(crate) agent: u32,
    }
    pub(crate) struct Failed {
        pub(crate) reason: u32,
    }

    pub(crate) struct Task<S> {
        pub(crate) ctx: Counters,
        pub(crate) state: S,
    }

    impl Task<Pending> {
        #[inline]
        pub(crate) fn assign(self, agent: u32) -> Task<Assigned> {
            Task {
                ctx: self.ctx,
                state: Assigned { agent },
            }
        }
    }
    impl Task<Assigned> {
        #[inline]
        pub(crate) fn start(self) -> Task<InProgress> {
            Task {
                ctx: self.ctx,
                state: InProgress {
                    agent: self.state.agent,
                },
            }
        }
    }
    impl Task<InProgress> {
        #[inline]
        pub(crate) fn fail(self, reason: u32) -> Task<Failed> {
            Task {
                ctx: self.ctx,
                state: Failed { reason },
            }
        }
    }
    impl Task<Failed> {
        #[inline]
        pub(crate) fn retry(mut self) -> Result<Task<Pending>, Task<Failed>> {
            if self.ctx.retries == u32::MAX {
                return Err(self);
            }
            self.ctx.retries += 1;
            Ok(Task {
                ctx: self.ctx,
                state: Pending,
            })
        }
    }

    /// The same machine as a hand-written enum and match.
    pub(crate) enum AnyTask {
        Pending(Counters),
        Assigned(Counters, u32),
        InProgress(Counters, u32),
        Completed(Counters),
        Failed(Counters, u32),
        Escalated(Counters, u32),
    }

    pub(crate) enum Event {
        Assign(u32),
        Start,
        Complete,
        Fail(u32),
        Escalate(u32),
        Retry,
    }

    impl AnyTask {
        #[inline]
        pub(crate) fn fire(self, event: Event) -> Result<AnyTask, (AnyTask, Event)> {
            use AnyTask as S;
            match (self, event) {
                (S::Pending(c), Event::Assign(a)) => Ok(S::Assigned(c, a)),
                (S::Assigned(c, a), Event::Start) => Ok(S::InProgress(c, a)),
                (S::InProgress(c, _), Event::Complete) => Ok(S::Completed(c)),
                (S::Assigned(c, _) | S::InProgress(c, _), Event::Fail(r)) => Ok(S::Failed(c, r)),
                (S::Assigned(c, _) | S::InProgress(c, _), Event::Escalate(r)) => {
                    Ok(S::Escalated(c, r))
                }
                (S::Failed(mut c, r), Event::Retry) => {
                    if c.retries == u32::MAX {
                        return Err((S::Failed(c, r), Event::Retry));
                    }
                    c.retries += 1;
                    Ok(S::Pending(c))
                }
                (machine, event) => Err((machine, event)),
            }
        }
    }
}

fn typed(c: &mut Criterion) {
    let mut group = c.benchmark_group("typed cycle (assign, start, fail, retry)");
    group.bench_function("stateforge Task<S>", |b| {
        let mut task = Some(Task::new(Counters::default()));
        b.iter(|| {
            let t = task.take().unwrap_or_else(|| unreachable!());
            let t = t.assign(black_box(7)).start().fail(black_box(3));
            task = Some(black_box(t.retry().unwrap_or_else(|_| unreachable!())));
        });
    });
    group.bench_function("hand-written typestate", |b| {
        let mut task = Some(hand::Task {
            ctx: Counters::default(),
            state: hand::Pending,
        });
        b.iter(|| {
            let t = task.take().unwrap_or_else(|| unreachable!());
            let t = t.assign(black_box(7)).start().fail(black_box(3));
            task = Some(black_box(t.retry().unwrap_or_else(|_| unreachable!())));
        });
    });
    group.finish();
}

fn any_enum(c: &mut Criterion) {
    let mut group = c.benchmark_group("any-enum cycle (assign, start, fail, retry)");
    group.bench_function("stateforge AnyTask::fire", |b| {
        let mut task = Some(AnyTask::from(Task::new(Counters::default())));
        b.iter(|| {
            let mut t = task.take().unwrap_or_else(|| unreachable!());
            for event in [
                TaskEvent::Assign {
                    agent: black_box(7),
                },
                TaskEvent::Start,
                TaskEvent::Fail {
                    reason: black_box(3),
                },
                TaskEvent::Retry,
            ] {
                t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            }
            task = Some(black_box(t));
        });
    });
    group.bench_function("hand-written enum + match", |b| {
        let mut task = Some(hand::AnyTask::Pending(Counters::default()));
        b.iter(|| {
            let mut t = task.take().unwrap_or_else(|| unreachable!());
            for event in [
                hand::Event::Assign(black_box(7)),
                hand::Event::Start,
                hand::Event::Fail(black_box(3)),
                hand::Event::Retry,
            ] {
                t = t.fire(black_box(event)).unwrap_or_else(|_| unreachable!());
            }
            task = Some(black_box(t));
        });
    });
    group.finish();

    let mut group = c.benchmark_group("refused event (complete in pending)");
    group.bench_function("stateforge AnyTask::fire", |b| {
        let mut task = Some(AnyTask::from(Task::new(Counters::default())));
        b.iter(|| {
            let t = task.take().unwrap_or_else(|| unreachable!());
            let refused = t
                .fire(black_box(TaskEvent::Complete))
                .err()
                .unwrap_or_else(|| unreachable!());
            task = Some(black_box(refused.machine));
        });
    });
    group.bench_function("hand-written enum + match", |b| {
        let mut task = Some(hand::AnyTask::Pending(Counters::default()));
        b.iter(|| {
            let t = task.take().unwrap_or_else(|| unreachable!());
            let (machine, _event) = t
                .fire(black_box(hand::Event::Complete))
                .err()
                .unwrap_or_else(|| unreachable!());
            task = Some(black_box(machine));
        });
    });
    group.finish();
}

criterion_group!(benches, typed, any_enum);
criterion_main!(benches);
