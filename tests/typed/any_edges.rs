//! The any-enum's edges: restoring it from typed parts, the states one
//! event away, and the one list of allowed events the trait shares.

use stateforge::Machine;

use crate::task_machine::{
    AnyTask, Assigned, Failed, InProgress, Pending, Task, TaskData, TaskEvent, TaskState,
};

fn data() -> TaskData {
    TaskData::default()
}

#[test]
fn restore_puts_the_machine_in_the_state_of_its_data() {
    let any = AnyTask::restore(
        data(),
        InProgress {
            agent: "ada".into(),
        },
    );
    assert_eq!(any.state(), TaskState::InProgress);
    assert_eq!(any.context(), &data());
    assert_eq!(
        any,
        AnyTask::from(Task::<InProgress>::restore(
            data(),
            InProgress {
                agent: "ada".into()
            }
        ))
    );
    let AnyTask::InProgress(task) = any else {
        panic!("restored in another state");
    };
    assert_eq!(task.state().agent, "ada");
}

#[test]
fn a_restored_machine_fires_from_its_state() {
    let any = AnyTask::restore(
        data(),
        Failed {
            reason: "boom".into(),
        },
    );
    let pending = any.fire(TaskEvent::Retry).unwrap();
    assert_eq!(pending.state(), TaskState::Pending);
    let typed = Task::<Failed>::restore(
        data(),
        Failed {
            reason: "boom".into(),
        },
    );
    assert_eq!(pending.context(), typed.retry().unwrap().context());
    assert_ne!(pending.context(), &data(), "the action ran");
    let unit = AnyTask::restore(data(), Pending);
    assert_eq!(unit.state(), TaskState::Pending);
}

#[test]
fn next_states_are_one_event_away_each_once() {
    let in_state = |state: TaskState| match state {
        TaskState::Pending => AnyTask::restore(data(), Pending),
        TaskState::Assigned => AnyTask::restore(data(), Assigned { agent: "a".into() }),
        TaskState::InProgress => AnyTask::restore(data(), InProgress { agent: "a".into() }),
        TaskState::Failed => AnyTask::restore(data(), Failed { reason: "r".into() }),
        _ => AnyTask::from(Task::new(data()).assign("a".into()).start().complete()),
    };
    assert_eq!(
        in_state(TaskState::Pending).next_states(),
        [TaskState::Assigned]
    );
    // `fail` and `escalate` both leave `Assigned` and `InProgress`: their
    // targets come once each, in declaration order.
    assert_eq!(
        in_state(TaskState::Assigned).next_states(),
        [
            TaskState::InProgress,
            TaskState::Failed,
            TaskState::Escalated
        ]
    );
    assert_eq!(
        in_state(TaskState::InProgress).next_states(),
        [
            TaskState::Completed,
            TaskState::Failed,
            TaskState::Escalated
        ]
    );
    assert_eq!(
        in_state(TaskState::Failed).next_states(),
        [TaskState::Pending]
    );
    assert!(in_state(TaskState::Completed).next_states().is_empty());
}

#[test]
fn can_transition_to_follows_next_states() {
    let assigned = AnyTask::restore(data(), Assigned { agent: "a".into() });
    for state in TaskState::ALL {
        assert_eq!(
            assigned.can_transition_to(state),
            assigned.next_states().contains(&state),
            "{state}"
        );
    }
    assert!(assigned.can_transition_to(TaskState::Failed));
    assert!(!assigned.can_transition_to(TaskState::Completed));
    assert!(!assigned.can_transition_to(TaskState::Assigned));
}

mod looping {
    stateforge::state_machine! {
        pub machine Meter {
            initial state Idle;
            state Running;
            event start: Idle -> Running;
            event tick: Running -> Running;
            event reset: Running -> Running;
            event stop: Running -> Idle;
        }
    }
}

#[test]
fn a_self_transition_makes_the_state_its_own_next() {
    use looping::{AnyMeter, Meter, MeterState, Running};
    let running = AnyMeter::from(Meter::new().start());
    assert_eq!(
        running.next_states(),
        [MeterState::Idle, MeterState::Running]
    );
    assert!(running.can_transition_to(MeterState::Running));
    // Without a context, `restore` takes the state alone.
    let restored = AnyMeter::restore(Running);
    assert_eq!(restored.state(), MeterState::Running);
    assert_eq!(restored.next_states(), running.next_states());
}

fn through_the_trait<M: Machine>(machine: &M) -> &'static [&'static str] {
    machine.allowed_events()
}

#[test]
fn allowed_events_is_one_static_list_for_the_enum_and_the_trait() {
    let machines = [
        AnyTask::restore(data(), Pending),
        AnyTask::restore(data(), Assigned { agent: "a".into() }),
        AnyTask::restore(data(), InProgress { agent: "a".into() }),
        AnyTask::restore(data(), Failed { reason: "r".into() }),
    ];
    for machine in &machines {
        let inherent: &'static [&'static str] = machine.allowed_events();
        assert_eq!(inherent, through_the_trait(machine), "{}", machine.state());
    }
    assert_eq!(machines[1].allowed_events(), ["start", "fail", "escalate"]);
}
