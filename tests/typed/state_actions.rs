//! States' entry and exit actions in generated code: the order exit, arm
//! action, entry on every way of firing (typed methods, `AnyX::fire`,
//! `fire_in_place`), self-transitions, guarded alternatives, a refusal
//! that runs none of them, machines without a context, and the emitted
//! definition.

use stateforge::Refusal;

/// The context: every action appends what it saw.
#[derive(Debug, Default, Clone, PartialEq)]
struct Log {
    lines: Vec<String>,
}

fn leave_closed(log: &mut Log, _: &Closed) {
    log.lines.push("exit closed".into());
}

fn count_trip(log: &mut Log, from: &Closed, _since: &u64, reason: &String) {
    log.lines.push(format!(
        "trip from closed after {} ({reason})",
        from.failures
    ));
}

fn arm_alarm(log: &mut Log, open: &Open) {
    log.lines.push(format!("entry open since {}", open.since));
}

fn disarm_alarm(log: &mut Log, open: &Open) {
    log.lines.push(format!("exit open since {}", open.since));
}

fn on_retrip(log: &mut Log, _: &Open, since: &u64) {
    log.lines.push(format!("retrip at {since}"));
}

fn enter_closed(log: &mut Log, closed: &Closed) {
    log.lines
        .push(format!("entry closed with {}", closed.failures));
}

fn enter_half_open(log: &mut Log, _: &HalfOpen) {
    log.lines.push("entry half_open".into());
}

fn healthy(_: &Log, _: &HalfOpen, ok: &bool, _: &u32, _: &u64) -> bool {
    *ok
}

fn patient(log: &Log, _: &HalfOpen, _: &bool, _: &u32, _: &u64) -> bool {
    log.lines.len() < 100
}

fn archive(log: &mut Log, _: &Retired) {
    log.lines.push("entry retired".into());
}

stateforge::state_machine! {
    #[derive(Debug)]
    machine Breaker {
        context: Log;
        initial state Closed { failures: u32 } entry enter_closed exit leave_closed;
        state Open { since: u64 } entry arm_alarm exit disarm_alarm;
        state HalfOpen entry enter_half_open;
        final state Retired entry archive;
        event trip(since: u64, reason: String): Closed -> Open => count_trip;
        event retrip(since: u64): Open -> Open => on_retrip;
        event probe: Open -> HalfOpen;
        event settle(ok: bool, failures: u32, since: u64):
            HalfOpen -> Closed if healthy,
            HalfOpen -> Open if patient;
        event retire: Closed | Open -> Retired;
    }
}

fn closed() -> Breaker<Closed> {
    Breaker::new(Log::default(), Closed { failures: 3 })
}

#[test]
fn new_runs_no_entry_action() {
    assert!(closed().context().lines.is_empty());
}

#[test]
fn a_typed_transition_runs_exit_then_arm_action_then_entry() {
    let open = closed().trip(7, "timeouts".into());
    assert_eq!(
        open.context().lines,
        [
            "exit closed",
            "trip from closed after 3 (timeouts)",
            "entry open since 7",
        ]
    );
}

#[test]
fn a_self_transition_leaves_and_enters_again() {
    let open = closed().trip(7, "x".into());
    let open = open.retrip(9);
    assert_eq!(
        open.context().lines[3..],
        ["exit open since 7", "retrip at 9", "entry open since 9"]
    );
}

#[test]
fn guarded_alternatives_run_the_chosen_arm_s_entry_action() {
    let half = closed().trip(1, "x".into()).probe();
    let lines = half.context().lines.clone();
    assert_eq!(lines[3..], ["exit open since 1", "entry half_open"]);
    let Ok(BreakerSettleFromHalfOpen::Closed(back)) = half.settle(true, 0, 5) else {
        panic!("`healthy` said yes");
    };
    // `HalfOpen` has no exit action; `Closed` an entry action.
    assert_eq!(back.context().lines[5..], ["entry closed with 0"]);
}

#[test]
fn a_guard_that_says_no_runs_no_action() {
    let log = Log {
        lines: vec!["x".into(); 200],
    };
    let half = Breaker::<HalfOpen>::restore(log.clone(), HalfOpen);
    let rejected = half.settle(false, 0, 5).unwrap_err();
    assert_eq!(rejected.machine.context(), &log);
}

#[test]
fn any_fire_runs_the_same_sequence_as_the_typed_method() {
    let any = AnyBreaker::from(closed());
    let any = any
        .fire(BreakerEvent::Trip {
            since: 7,
            reason: "timeouts".into(),
        })
        .unwrap();
    let any = any.fire(BreakerEvent::Retrip { since: 8 }).unwrap();
    let any = any.fire(BreakerEvent::Retire).unwrap();
    assert_eq!(
        any.context().lines,
        [
            "exit closed",
            "trip from closed after 3 (timeouts)",
            "entry open since 7",
            "exit open since 7",
            "retrip at 8",
            "entry open since 8",
            "exit open since 8",
            "entry retired",
        ]
    );
}

#[test]
fn fire_in_place_runs_the_same_sequence_as_fire() {
    // The events are not `Clone`: each side gets its own.
    let events = || {
        vec![
            BreakerEvent::Trip {
                since: 7,
                reason: "r".into(),
            },
            BreakerEvent::Retrip { since: 8 },
            BreakerEvent::Probe,
            BreakerEvent::Settle {
                ok: false,
                failures: 1,
                since: 9,
            },
            BreakerEvent::Probe,
            BreakerEvent::Settle {
                ok: true,
                failures: 2,
                since: 10,
            },
            BreakerEvent::Retire,
        ]
    };
    let mut by_value = AnyBreaker::from(closed());
    let mut in_place = AnyBreaker::from(closed());
    for (event, again) in events().into_iter().zip(events()) {
        by_value = by_value.fire(event).unwrap();
        in_place.fire_in_place(again).unwrap();
        assert_eq!(in_place.state(), by_value.state());
        assert_eq!(in_place.context(), by_value.context());
    }
    assert!(in_place.is_final());
    // A refusal runs nothing.
    let before = in_place.context().clone();
    let refused = in_place.fire_in_place(BreakerEvent::Probe).unwrap_err();
    assert_eq!(refused.refusal, Refusal::NoTransition);
    assert_eq!(in_place.context(), &before);
}

#[test]
fn the_definition_carries_the_state_actions() {
    let def = AnyBreaker::definition();
    let open = def.state_id("open").unwrap();
    let spec = &def.spec().states[open.index()];
    assert_eq!(spec.entry.as_deref(), Some("arm_alarm"));
    assert_eq!(spec.exit.as_deref(), Some("disarm_alarm"));
    let t = def
        .transition(open, def.event_id("retrip").unwrap())
        .unwrap();
    let order: Vec<_> = t.actions().map(|s| s.name).collect();
    assert_eq!(order, ["disarm_alarm", "on_retrip", "arm_alarm"]);
}

mod without_context {
    use std::cell::RefCell;

    thread_local! {
        static SEEN: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    fn note(line: String) {
        SEEN.with(|s| s.borrow_mut().push(line));
    }

    fn lit(lamp: &On) {
        note(format!("on at {}", lamp.watts));
    }

    fn dark(_: &Off) {
        note("off".into());
    }

    stateforge::state_machine! {
        machine Lamp {
            initial state Off exit dark;
            state On { watts: u32 } entry lit;
            event switch_on(watts: u32): Off -> On;
            event switch_off: On -> Off;
        }
    }

    #[test]
    fn actions_take_only_the_state_without_a_context() {
        let on = Lamp::new().switch_on(40);
        let _off = on.switch_off();
        SEEN.with(|s| assert_eq!(*s.borrow(), ["off", "on at 40"]));
    }
}
