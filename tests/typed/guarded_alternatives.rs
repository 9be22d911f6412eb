//! Guarded alternatives: one event out of one state by several arms,
//! tried in declaration order; the typed method returns where it led.

use stateforge::Machine;
use stateforge::Refusal;

/// An order's review: `decide` accepts a good order, rejects a bad one,
/// else sends it to a person; `escalate` has no else.
#[derive(Debug, Default)]
struct Desk {
    /// Every action run, in order.
    log: Vec<&'static str>,
}

fn good(_: &Desk, _: &Submitted, score: &u8) -> bool {
    *score >= 7
}
fn bad(_: &Desk, _: &Submitted, score: &u8) -> bool {
    *score <= 3
}
fn on_accept(desk: &mut Desk, _: &Submitted, _: &u8) {
    desk.log.push("accept");
}
fn on_review(desk: &mut Desk, _: &Submitted, _: &u8) {
    desk.log.push("review");
}
fn urgent(_: &Desk, s: &Reviewing, _: &str) -> bool {
    s.score >= 5
}
fn late(_: &Desk, _: &Reviewing, why: &str) -> bool {
    why.contains("late")
}

stateforge::state_machine! {
    #[derive(Debug)]
    machine Order {
        context: Desk;
        initial state Submitted;
        state Reviewing { score: u8 }
        final state Accepted { score: u8 }
        final state Rejected;
        final state Escalated { why: String }
        event decide(score: u8):
            Submitted -> Accepted if good => on_accept,
            Submitted -> Rejected if bad,
            Submitted -> Reviewing => on_review;
        event escalate(why: String):
            Reviewing -> Escalated if urgent,
            Reviewing -> Escalated if late;
        event close: Reviewing -> Rejected;
    }
}

fn submitted() -> Order<Submitted> {
    Order::new(Desk::default())
}

#[test]
fn the_first_guard_that_says_yes_wins() {
    let OrderDecideFromSubmitted::Accepted(order) = submitted().decide(9) else {
        panic!("a good order is accepted");
    };
    assert_eq!(order.state().score, 9);
    assert_eq!(order.context().log, ["accept"]);
    assert!(matches!(
        submitted().decide(2),
        OrderDecideFromSubmitted::Rejected(_)
    ));
}

#[test]
fn the_unguarded_alternative_is_the_else() {
    let OrderDecideFromSubmitted::Reviewing(order) = submitted().decide(5) else {
        panic!("neither good nor bad goes to review");
    };
    assert_eq!(order.state().score, 5);
    assert_eq!(order.context().log, ["review"]);
}

fn reviewing(score: u8) -> Order<Reviewing> {
    Order::<Reviewing>::restore(Desk::default(), Reviewing { score })
}

#[test]
fn without_an_else_every_guard_may_refuse_and_all_are_named() {
    let OrderEscalateFromReviewing::Escalated(order) =
        reviewing(6).escalate("customer".into()).unwrap();
    assert_eq!(order.state().why, "customer");
    assert!(reviewing(1).escalate("late again".into()).is_ok());
    let refused = reviewing(1).escalate("customer".into()).unwrap_err();
    assert_eq!(refused.tried, ["urgent", "late"]);
    assert_eq!(refused.guard, "late");
    assert_eq!(refused.args.0, "customer");
    assert_eq!(refused.machine.state().score, 1);
    assert_eq!(
        refused.to_string(),
        "guards `urgent`, `late` refused event `escalate` in state `reviewing`"
    );
}

#[test]
fn the_any_enum_fires_alternatives_and_names_every_guard_refused() {
    let any = AnyOrder::from(submitted());
    assert!(any.can_fire(&OrderEvent::Decide { score: 0 }));
    let any = any.fire(OrderEvent::Decide { score: 4 }).unwrap();
    assert_eq!(any.state(), OrderState::Reviewing);
    assert_eq!(
        any.next_states(),
        [OrderState::Rejected, OrderState::Escalated]
    );
    let why = || OrderEvent::Escalate {
        why: "customer".into(),
    };
    assert!(!any.can_fire(&why()));
    assert_eq!(
        Machine::target(&any, &why()).map(|s| AnyOrder::definition().state_name(s)),
        Some("escalated")
    );
    let refused = any.fire(why()).unwrap_err();
    assert_eq!(refused.refusal, Refusal::Guards(&["urgent", "late"]));
    assert_eq!(
        refused.to_string(),
        "guards `urgent`, `late` refused event `escalate` in state `reviewing`"
    );
    let (any, _) = refused.into_parts();
    assert!(any.can_fire(&OrderEvent::Escalate { why: "late".into() }));
    let done = any
        .fire(OrderEvent::Escalate { why: "late".into() })
        .unwrap();
    assert_eq!(done.state(), OrderState::Escalated);
}

#[test]
fn target_consults_the_guards_of_alternatives_only() {
    let any = AnyOrder::from(submitted());
    let def = AnyOrder::definition();
    let target =
        |score| Machine::target(&any, &OrderEvent::Decide { score }).map(|s| def.state_name(s));
    assert_eq!(target(8), Some("accepted"));
    assert_eq!(target(1), Some("rejected"));
    assert_eq!(target(5), Some("reviewing"));
    assert_eq!(Machine::target(&any, &OrderEvent::Close), None);
}

#[test]
fn the_definition_lists_the_alternatives_in_order() {
    let def = AnyOrder::definition();
    let (submitted, decide) = (def.initial(), def.event_id("decide").unwrap());
    let tried: Vec<_> = def
        .alternatives(submitted, decide)
        .iter()
        .map(|t| {
            (
                def.state_name(t.to),
                t.guard.as_deref(),
                t.action.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        tried,
        [
            ("accepted", Some("good"), Some("on_accept")),
            ("rejected", Some("bad"), None),
            ("reviewing", None, Some("on_review")),
        ]
    );
    assert!(
        def.to_mermaid()
            .contains("    submitted --> reviewing: decide [else]\n")
    );
}
