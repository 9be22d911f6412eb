//! Compound states: states written inside a state. Each typed state is a
//! leaf (core's configuration), an arm from the compound state is a
//! method of every leaf inside it, and entering it enters its initial leaf.

use stateforge::Machine;

stateforge::state_machine! {
    #[derive(Debug, PartialEq)]
    machine Ticket {
        initial state Open;
        state Active {
            initial state Assigned { agent: String }
            state Working { agent: String }
            state Paused { agent: String }
        }
        final state Cancelled;
        final state Done { agent: String }
        event assign(agent: String): Open -> Active;
        event start: Assigned -> Working;
        event pause: Working -> Paused;
        event resume: Paused -> Working;
        // From every state inside `Active`.
        event cancel: Active -> Cancelled;
        // `Paused` overrides the arm of `Active`: a paused ticket reopens.
        event finish: Active -> Done, Paused -> Open;
    }
}

/// Any ticket somewhere inside `Active`, by its marker trait.
fn agent_of<S: InActive>(ticket: &Ticket<S>) -> &'static str {
    let _ = ticket;
    "in active"
}

#[test]
fn entering_a_compound_state_enters_its_initial_leaf() {
    let assigned: Ticket<Assigned> = Ticket::new().assign("ada".into());
    assert_eq!(assigned.state().agent, "ada");
    assert_eq!(assigned.state_name(), "active.assigned");
    assert_eq!(agent_of(&assigned), "in active");
}

#[test]
fn an_arm_of_the_compound_state_is_a_method_of_every_leaf() {
    let assigned = Ticket::new().assign("ada".into());
    let _: Ticket<Cancelled> = assigned.cancel();
    let working = Ticket::new().assign("ada".into()).start();
    let _: Ticket<Cancelled> = working.cancel();
    let paused = Ticket::new().assign("ada".into()).start().pause();
    assert_eq!(agent_of(&paused), "in active");
    let _: Ticket<Cancelled> = paused.cancel();
}

#[test]
fn a_child_arm_overrides_its_parents() {
    let done: Ticket<Done> = Ticket::new().assign("ada".into()).start().finish();
    assert_eq!(done.state().agent, "ada");
    let reopened: Ticket<Open> = Ticket::new().assign("ada".into()).start().pause().finish();
    assert_eq!(reopened.state_name(), "open");
}

#[test]
fn the_definition_is_cores_flattening() {
    let def = Ticket::<Open>::definition();
    assert!(def.is_hierarchical());
    let mut names: Vec<_> = def.states().map(|s| def.state_name(s)).collect();
    // The typed states are the configurations, in core's id order.
    let typed: Vec<_> = TicketState::ALL.iter().map(|s| s.as_str()).collect();
    assert_eq!(typed, names);
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "active.assigned",
            "active.paused",
            "active.working",
            "cancelled",
            "done",
            "open"
        ]
    );
}

#[test]
fn the_any_enum_fires_parent_arms_by_value_and_in_place() {
    let any = AnyTicket::from(Ticket::new());
    let any = any
        .fire(TicketEvent::Assign {
            agent: "ada".into(),
        })
        .unwrap();
    assert_eq!(any.state(), TicketState::Assigned);
    assert_eq!(any.allowed_events(), ["start", "cancel", "finish"]);
    let mut any = any.fire(TicketEvent::Start).unwrap();
    any.fire_in_place(TicketEvent::Pause).unwrap();
    assert_eq!(any.state(), TicketState::Paused);
    assert_eq!(
        <AnyTicket as Machine>::definition().state_name(any.state_id()),
        "active.paused"
    );
    let any = any.fire(TicketEvent::Cancel).unwrap();
    assert_eq!(any.state(), TicketState::Cancelled);
    let refused = any.fire(TicketEvent::Start).unwrap_err();
    assert_eq!(refused.machine.state(), TicketState::Cancelled);
}

#[cfg(feature = "serde")]
#[test]
fn a_leaf_serializes_under_its_configuration_name() {
    let any = AnyTicket::from(Ticket::new().assign("ada".into()).start());
    let json = serde_json::to_value(&any).unwrap();
    assert_eq!(json["state"], "active.working");
    assert_eq!(json["data"]["agent"], "ada");
    let back: AnyTicket = serde_json::from_value(json).unwrap();
    assert_eq!(back, any);
}
