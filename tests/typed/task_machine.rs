//! The agent dispatcher's task machine, end to end through the generated code.

include!("../support/task.rs");

#[test]
fn typed_lifecycle() {
    let task = Task::new(TaskData::default());
    let task = task.assign("ada".into());
    assert_eq!(task.state().agent, "ada");
    assert_eq!(task.context().agent.as_deref(), Some("ada"));
    let task = task.start();
    assert_eq!(task.state().agent, "ada");
    let done = task.complete();
    assert!(done.context().completed);
    assert_eq!(done.state_name(), "completed");
}

#[test]
fn guard_hands_the_machine_back() {
    let mut task = Task::new(TaskData::default())
        .assign("ada".into())
        .fail("boom".into());
    for _ in 0..2 {
        task = task
            .retry()
            .unwrap()
            .assign("bob".into())
            .fail("again".into());
    }
    let rejected = task.retry().unwrap_err();
    assert_eq!(rejected.guard, "can_retry");
    assert_eq!(
        rejected.to_string(),
        "guard `can_retry` refused event `retry` in state `failed`"
    );
    assert_eq!(rejected.machine.state().reason, "again");
    assert_eq!(rejected.machine.context().retries, 2);
}

#[test]
fn any_enum_fires_and_refuses() {
    let any = AnyTask::from(Task::new(TaskData::default()));
    assert_eq!(any.allowed_events(), ["assign"]);
    let err = any.fire(TaskEvent::Complete).unwrap_err();
    assert_eq!(
        err.to_string(),
        "event `complete` is not allowed in state `pending`"
    );
    let any = err
        .machine
        .fire(TaskEvent::Assign {
            agent: "ada".into(),
        })
        .unwrap();
    assert_eq!(any.state(), TaskState::Assigned);
    let typed: Task<Assigned> = any.try_into().unwrap();
    let any = AnyTask::from(typed);
    let wrong = Task::<Pending>::try_from(any).unwrap_err();
    assert_eq!(
        wrong.to_string(),
        "task is in state `assigned`, not `pending`"
    );
}

#[test]
fn size_is_what_it_holds() {
    use std::mem::size_of;
    assert_eq!(size_of::<Task<Pending>>(), size_of::<TaskData>());
    assert_eq!(
        size_of::<Task<Assigned>>(),
        size_of::<TaskData>() + size_of::<String>()
    );
}

#[cfg(feature = "serde")]
#[test]
fn json_round_trip_keeps_the_state() {
    let any = AnyTask::from(Task::new(TaskData::default()).assign("ada".into()));
    let json = serde_json::to_value(&any).unwrap();
    assert_eq!(json["state"], "assigned");
    assert_eq!(json["data"]["agent"], "ada");
    let back: AnyTask = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, any);
    let wrong = serde_json::from_value::<Task<Pending>>(json).unwrap_err();
    assert!(wrong.to_string().contains("not `pending`"), "{wrong}");
}

/// The JSON form, exactly: a state without data writes `null` and reads
/// only that; the keys may come in any order; a key the form does not
/// have, an unknown state or data of another state is an error.
#[cfg(feature = "serde")]
#[test]
fn the_json_form_is_the_state_its_context_and_its_data() {
    let pending = AnyTask::from(Task::new(TaskData::default()));
    let json = serde_json::to_string(&pending).unwrap();
    assert_eq!(
        json,
        r#"{"state":"pending","context":{"title":"","agent":null,"retries":0,"completed":false},"data":null}"#
    );
    assert_eq!(serde_json::to_string(&Pending).unwrap(), "null");
    assert!(serde_json::from_str::<Pending>("null").is_ok());
    let not_unit = serde_json::from_str::<Pending>("{}").unwrap_err();
    assert!(
        not_unit.to_string().contains("unit struct Pending"),
        "{not_unit}"
    );
    let context = r#"{"title":"","agent":null,"retries":0,"completed":false}"#;
    let reordered = format!(r#"{{"data":null,"context":{context},"state":"pending"}}"#);
    assert_eq!(
        serde_json::from_str::<AnyTask>(&reordered).unwrap(),
        pending
    );
    let read = |text: String| {
        serde_json::from_str::<AnyTask>(&text)
            .unwrap_err()
            .to_string()
    };
    let extra = read(format!(
        r#"{{"state":"pending","context":{context},"data":null,"agent":"x"}}"#
    ));
    assert!(extra.contains("unknown field `agent`"), "{extra}");
    let unknown = read(format!(
        r#"{{"state":"archived","context":{context},"data":null}}"#
    ));
    assert!(unknown.contains("unknown variant `archived`"), "{unknown}");
    let other = read(format!(
        r#"{{"state":"pending","context":{context},"data":{{"agent":"x"}}}}"#
    ));
    assert!(other.contains("unit struct Pending"), "{other}");
    let missing = read(format!(r#"{{"state":"assigned","context":{context}}}"#));
    assert!(missing.contains("missing field `data`"), "{missing}");
}
