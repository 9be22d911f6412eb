//! Which timers a transition keeps running: a timer belongs to the state
//! declaring it, so a transition that neither leaves nor enters that
//! state keeps it, however the configuration around it changes.

use stateforge_core::{Definition, MachineSpec, StateSpec, TimerSpec};

use crate::hierarchy::{arm, event, task};

/// A job that works and logs at once: `busy` times out after ten seconds,
/// `poke` leaves `busy` and enters it again, `echo` does the same to
/// `quiet`, in the other region.
fn job() -> MachineSpec {
    MachineSpec::new("job")
        .state(StateSpec::parallel("running").marked_initial())
        .state(StateSpec::compound("work").child_of("running"))
        .state(StateSpec::initial("busy").child_of("work"))
        .state(StateSpec::new("idle").child_of("work"))
        .state(StateSpec::final_state("finished").child_of("work"))
        .state(StateSpec::compound("log").child_of("running"))
        .state(StateSpec::initial("quiet").child_of("log"))
        .state(StateSpec::new("loud").child_of("log"))
        .state(StateSpec::final_state("muted").child_of("log"))
        .event(event("time_out", [arm(&["busy"], "idle")]))
        .event(event("wake", [arm(&["idle"], "busy")]))
        .event(event("poke", [arm(&["busy"], "busy")]))
        .event(event("shout", [arm(&["quiet"], "loud")]))
        .event(event("hush", [arm(&["loud"], "quiet")]))
        .event(event("echo", [arm(&["quiet"], "quiet")]))
        .event(event("finish", [arm(&["idle"], "finished")]))
        .event(event("mute", [arm(&["loud"], "muted")]))
        .timer(TimerSpec::new("busy", "time_out", 10_000))
}

/// The timers of the configuration `event` leads to from `from`, each
/// with the state declaring it and whether the transition keeps it.
fn across(def: &Definition, from: &str, event: &str) -> Vec<(String, String, bool)> {
    let from = def.state_id(from).unwrap();
    let event = def.event_id(event).unwrap();
    let to = def.transition(from, event).unwrap().to;
    let mut timers: Vec<_> = def
        .timers_of(to)
        .map(|t| {
            (
                def.event_name(t.event).to_owned(),
                def.spec().states[t.declared_by].name.clone(),
                def.keeps_timer(from, event, t),
            )
        })
        .collect();
    timers.sort_unstable();
    timers
}

fn kept(event: &str, state: &str) -> (String, String, bool) {
    (event.to_owned(), state.to_owned(), true)
}

fn started(event: &str, state: &str) -> (String, String, bool) {
    (event.to_owned(), state.to_owned(), false)
}

#[test]
fn a_region_that_does_not_move_keeps_its_states_timer() {
    let def = Definition::new(job()).unwrap();
    let quiet = "running.work.busy,running.log.quiet";
    let loud = "running.work.busy,running.log.loud";
    assert_eq!(def.state_name(def.initial()), quiet);
    assert_eq!(across(&def, quiet, "shout"), [kept("time_out", "busy")]);
    assert_eq!(across(&def, loud, "hush"), [kept("time_out", "busy")]);
    // The other region's state left and entered again: still kept.
    assert_eq!(across(&def, quiet, "echo"), [kept("time_out", "busy")]);
    // Leaving `busy`: its timer is none of the target's (it is cancelled).
    assert_eq!(across(&def, quiet, "time_out"), []);
    // Entering it again starts it.
    let idle = "running.work.idle,running.log.quiet";
    assert_eq!(across(&def, idle, "wake"), [started("time_out", "busy")]);
    // A transition from `busy` to itself leaves it: the timer restarts.
    assert_eq!(across(&def, quiet, "poke"), [started("time_out", "busy")]);
}

#[test]
fn a_compound_states_timer_runs_across_moves_between_its_children() {
    let spec = task()
        .event(event("time_out", [arm(&["in_progress"], "assigned")]))
        .timer(TimerSpec::new("in_progress", "time_out", 60_000))
        .event(event("expire", [arm(&["active"], "cancelled")]))
        .timer(TimerSpec::new("active", "expire", 3_600_000))
        .event(event("reopen", [arm(&["active"], "active")]));
    let def = Definition::new(spec).unwrap();
    assert_eq!(
        across(&def, "pending", "assign"),
        [started("expire", "active")]
    );
    assert_eq!(
        across(&def, "active.assigned", "start"),
        [kept("expire", "active"), started("time_out", "in_progress")]
    );
    assert_eq!(
        across(&def, "active.in_progress", "time_out"),
        [kept("expire", "active")]
    );
    // An arm from `active` to itself leaves it and enters it again.
    assert_eq!(
        across(&def, "active.in_progress", "reopen"),
        [started("expire", "active")]
    );
}

#[test]
fn guarded_alternatives_to_one_target_keep_only_what_each_of_them_keeps() {
    // From `assigned`, `retry` goes back to `assigned` either by its own
    // arm (guarded; `active` stays) or by `active`'s (leaving `active`):
    // both lead to `active.assigned`, and only one keeps `expire`.
    let spec = task()
        .event(event("expire", [arm(&["active"], "cancelled")]))
        .timer(TimerSpec::new("active", "expire", 3_600_000))
        .event(event(
            "retry",
            [
                arm(&["assigned"], "assigned").guard("soft"),
                arm(&["active"], "active"),
            ],
        ));
    let def = Definition::new(spec).unwrap();
    let from = def.state_id("active.assigned").unwrap();
    let retry = def.event_id("retry").unwrap();
    let targets: Vec<_> = def
        .alternatives(from, retry)
        .iter()
        .map(|t| def.state_name(t.to))
        .collect();
    assert_eq!(targets, ["active.assigned", "active.assigned"]);
    assert_eq!(
        across(&def, "active.assigned", "retry"),
        [started("expire", "active")]
    );
}

#[test]
fn a_flat_machine_keeps_no_timer_across_any_transition() {
    let def = Definition::new(
        MachineSpec::new("poller")
            .state(StateSpec::initial("waiting"))
            .state(StateSpec::new("working"))
            .state(StateSpec::final_state("gave_up"))
            .event(event("poll", [arm(&["waiting"], "waiting")]))
            .event(event("work", [arm(&["waiting"], "working")]))
            .event(event("rest", [arm(&["working"], "waiting")]))
            .event(event("give_up", [arm(&["waiting", "working"], "gave_up")]))
            .timer(TimerSpec::new("waiting", "poll", 10_000))
            .timer(TimerSpec::new("waiting", "give_up", 20_000))
            .timer(TimerSpec::new("working", "give_up", 20_000)),
    )
    .unwrap();
    assert!(!def.is_hierarchical());
    for (i, t) in def.transitions().iter().enumerate() {
        assert_eq!(def.left_by(i), [t.from.index()]);
        for timer in def.timers_of(t.to) {
            assert_eq!(
                def.spec().states[timer.declared_by].name,
                def.state_name(t.to)
            );
            assert!(!def.keeps_timer(t.from, t.event, timer), "{t:?}");
        }
    }
    assert_eq!(
        across(&def, "waiting", "poll"),
        [started("give_up", "waiting"), started("poll", "waiting")]
    );
}
