//! The compatibility rule between two definitions of a machine: random
//! pairs of versions against the rule stated in docs/dsl.md (rows carry
//! over exactly when every state they may be in is still there), and
//! each kind of change case by case.

use proptest::prelude::*;
use stateforge_core::{
    ArmSpec, Change, Checks, Definition, EventSpec, MachineSpec, MigrationSpec, StateSpec,
    TimerSpec, compare,
};

/// A valid machine over the states named, every state but the first
/// reached from the first, with the graph checks off so that removing
/// states leaves a valid machine.
fn machine(name: &str, states: &[String], arms: &[(usize, usize, usize)]) -> Definition {
    let mut spec = MachineSpec::new(name).checks(Checks {
        unreachable: false,
        dead_ends: false,
    });
    for (i, s) in states.iter().enumerate() {
        spec = spec.state(if i == 0 {
            StateSpec::initial(s.as_str())
        } else {
            StateSpec::new(s.as_str())
        });
    }
    let mut events: Vec<EventSpec> = (0..3).map(|e| EventSpec::new(format!("e{e}"))).collect();
    for &(event, from, to) in arms {
        let (from, to) = (&states[from % states.len()], &states[to % states.len()]);
        let event = &mut events[event % 3];
        if event.arms.iter().any(|a| a.from.contains(from)) {
            continue;
        }
        event.arms.push(ArmSpec::new([from.as_str()], to.as_str()));
    }
    for event in events.into_iter().filter(|e| !e.arms.is_empty()) {
        spec = spec.event(event);
    }
    Definition::new(spec).unwrap()
}

/// Two versions of one machine: the states of each (the first, initial,
/// kept in both) and their arms.
fn versions() -> impl Strategy<Value = (Definition, Definition, Vec<String>)> {
    let pool: Vec<String> = (0..8).map(|i| format!("s{i}")).collect();
    (
        prop::sample::subsequence(pool.clone(), 0..7),
        prop::sample::subsequence(pool, 0..7),
        prop::collection::vec((0usize..3, 0usize..8, 0usize..8), 0..12),
        prop::collection::vec((0usize..3, 0usize..8, 0usize..8), 0..12),
    )
        .prop_map(|(old, new, old_arms, new_arms)| {
            let with_start = |mut states: Vec<String>| {
                states.retain(|s| s != "start");
                states.insert(0, "start".to_owned());
                states
            };
            let (old, new) = (with_start(old), with_start(new));
            let gone = old.iter().filter(|s| !new.contains(s)).cloned().collect();
            (
                machine("m", &old, &old_arms),
                machine("m", &new, &new_arms),
                gone,
            )
        })
}

proptest! {
    #[test]
    fn rows_carry_over_exactly_when_no_state_is_gone((old, new, gone) in versions()) {
        let result = compare(&old, &new);
        prop_assert_eq!(result.is_compatible(), gone.is_empty(), "{:?}", result);
        let blocking: Vec<Change> = result.needing_migration().cloned().collect();
        let expected: Vec<Change> = gone.into_iter().map(Change::StateRemoved).collect();
        prop_assert_eq!(blocking, expected);
    }

    #[test]
    fn a_definition_is_compatible_with_itself_and_changes_are_symmetric(
        (old, new, _) in versions()
    ) {
        prop_assert!(compare(&old, &old).changes().is_empty());
        let (there, back) = (compare(&old, &new), compare(&new, &old));
        prop_assert_eq!(there.changes().len(), back.changes().len());
        prop_assert_eq!(there.changes().is_empty(), old.fingerprint() == new.fingerprint());
    }
}

fn task(edit: impl FnOnce(&mut MachineSpec)) -> Definition {
    let mut spec = Definition::example().spec().clone();
    edit(&mut spec);
    Definition::new(spec).unwrap()
}

#[test]
fn additions_and_behaviour_changes_are_compatible() {
    let v1 = Definition::example();
    let arm = |from: &str, to: &str| ArmSpec::new([from], to);
    let cases: Vec<(Definition, Change)> = vec![
        (
            task(|s| {
                s.states.push(StateSpec::new("paused"));
                s.events
                    .push(EventSpec::new("pause").arm(arm("in_progress", "paused")));
                s.events
                    .push(EventSpec::new("resume").arm(arm("paused", "in_progress")));
            }),
            Change::StateAdded("paused".into()),
        ),
        (
            task(|s| s.events[0].arms[0].guard = Some("has_agent".into())),
            Change::ArmChanged {
                event: "assign".into(),
                from: "pending".into(),
            },
        ),
        (
            task(|s| s.events[1].arms[0].action = Some("notify".into())),
            Change::ArmChanged {
                event: "start".into(),
                from: "assigned".into(),
            },
        ),
        (
            task(|s| s.events[3].arms[0].from = vec!["assigned".into(), "pending".into()]),
            Change::ArmAdded {
                event: "fail".into(),
                from: "pending".into(),
            },
        ),
        (
            task(|s| s.events[4].arms[0].from = vec!["in_progress".into()]),
            Change::ArmRemoved {
                event: "escalate".into(),
                from: "assigned".into(),
            },
        ),
        (
            task(|s| {
                s.timers
                    .push(TimerSpec::new("assigned", "escalate", 60_000))
            }),
            Change::TimerAdded {
                state: "assigned".into(),
                event: "escalate".into(),
            },
        ),
        (
            task(|s| {
                s.events.retain(|e| e.name != "retry");
                s.checks.dead_ends = false;
            }),
            Change::EventRemoved("retry".into()),
        ),
    ];
    for (v2, expected) in cases {
        let result = compare(&v1, &v2);
        assert!(result.is_compatible(), "{result:?}");
        assert!(result.changes().contains(&expected), "{result:?}");
        assert_eq!(result.to_string(), "compatible");
    }
}

#[test]
fn a_state_gone_or_another_machine_needs_a_migration() {
    let v1 = Definition::example();
    let renamed = task(|s| {
        for state in &mut s.states {
            if state.name == "in_progress" {
                state.name = "running".into();
            }
        }
        for arm in s.events.iter_mut().flat_map(|e| e.arms.iter_mut()) {
            for from in &mut arm.from {
                if from == "in_progress" {
                    *from = "running".into();
                }
            }
            if arm.to == "in_progress" {
                arm.to = "running".into();
            }
        }
    });
    let result = compare(&v1, &renamed);
    assert!(!result.is_compatible());
    assert_eq!(
        result.to_string(),
        "state `in_progress` was removed or renamed"
    );
    assert!(
        result
            .changes()
            .contains(&Change::StateAdded("running".into()))
    );

    let other = task(|s| s.name = "job".into());
    let result = compare(&v1, &other);
    assert_eq!(
        result.needing_migration().collect::<Vec<_>>(),
        [&Change::OtherMachine {
            stored: "task".into(),
            current: "job".into()
        }]
    );
}

/// `task` with `in_progress` renamed `running` and `escalated` removed,
/// with the migrations `extra` declares.
fn task_v2(extra: &[MigrationSpec]) -> Result<Definition, stateforge_core::InvalidDefinition> {
    let mut spec = Definition::example().spec().clone();
    spec.states.retain(|s| s.name != "escalated");
    for e in &mut spec.events {
        e.arms.retain(|a| a.to != "escalated");
    }
    spec.events.retain(|e| !e.arms.is_empty());
    for state in &mut spec.states {
        if state.name == "in_progress" {
            state.name = "running".into();
        }
    }
    for arm in spec.events.iter_mut().flat_map(|e| e.arms.iter_mut()) {
        for from in &mut arm.from {
            if from == "in_progress" {
                *from = "running".into();
            }
        }
        if arm.to == "in_progress" {
            arm.to = "running".into();
        }
    }
    spec.migrations = extra.to_vec();
    Definition::new(spec)
}

#[test]
fn declared_migrations_make_a_state_gone_compatible_and_say_where_rows_go() {
    let v1 = Definition::example();
    let undeclared = compare(&v1, &task_v2(&[]).unwrap());
    assert_eq!(
        undeclared.to_string(),
        "state `escalated` was removed or renamed; state `in_progress` was removed or renamed"
    );
    let v2 = task_v2(&[
        MigrationSpec::renamed("in_progress", "running"),
        MigrationSpec::removed("escalated", "failed").with("escalation_as_failure"),
        MigrationSpec::data_changed("failed", "reason_as_code"),
    ])
    .unwrap();
    assert_ne!(
        v2.fingerprint(),
        task_v2(&[]).unwrap().fingerprint(),
        "migrations are part of what a definition says"
    );
    let plan = compare(&v1, &v2);
    assert!(plan.is_compatible(), "{plan:?}");
    assert_eq!(plan.destination("in_progress"), Some(("running", None)));
    assert_eq!(
        plan.destination("escalated"),
        Some(("failed", Some("escalation_as_failure")))
    );
    assert_eq!(
        plan.destination("failed"),
        Some(("failed", Some("reason_as_code")))
    );
    assert_eq!(plan.destination("pending"), None);

    // Rows written under v2 already hold the new data of `failed`: a v3
    // that keeps the declaration migrates nothing of v2's.
    let mut v3 = v2.spec().clone();
    v3.states.push(StateSpec::final_state("archived"));
    v3.checks.unreachable = false;
    let v3 = Definition::new(v3).unwrap();
    let plan = compare(&v2, &v3);
    assert!(plan.is_compatible());
    assert_eq!(plan.destination("failed"), None);
    // ...while rows of v1 still are.
    assert_eq!(
        compare(&v1, &v3).destination("failed"),
        Some(("failed", Some("reason_as_code")))
    );
}

#[test]
fn an_older_definition_refuses_rows_whose_data_a_newer_one_made() {
    let v1 = Definition::example();
    let mut spec = v1.spec().clone();
    spec.migrations
        .push(MigrationSpec::data_changed("failed", "reason_as_code"));
    let v2 = Definition::new(spec).unwrap();
    // An old binary meeting v2's rows: the data of `failed` may not read
    // under v1, and v1 would drop what it does not know on a write.
    let back = compare(&v2, &v1);
    assert!(!back.is_compatible());
    assert_eq!(
        back.to_string(),
        "the data of state `failed` was made by `reason_as_code`, which this definition does not declare"
    );
    assert!(compare(&v1, &v2).is_compatible());
}

#[test]
fn migrations_are_checked_with_the_definition() {
    let problems = |migrations: &[MigrationSpec]| -> Vec<String> {
        let mut all = vec![
            MigrationSpec::renamed("in_progress", "running"),
            MigrationSpec::removed("escalated", "failed"),
        ];
        all.extend_from_slice(migrations);
        match task_v2(&all) {
            Ok(_) => Vec::new(),
            Err(e) => e.problems().iter().map(ToString::to_string).collect(),
        }
    };
    assert_eq!(problems(&[]), Vec::<String>::new());
    assert_eq!(
        problems(&[MigrationSpec::renamed("pending", "running")]),
        [
            "rows of `pending` cannot migrate to `running`: `pending` is still a state of the \
          machine; migrate from a state that was renamed or removed"
        ]
    );
    assert_eq!(
        problems(&[MigrationSpec::removed("archived", "nowhere")]),
        ["unknown state `nowhere`; declare it or correct the name"]
    );
    assert_eq!(
        problems(&[MigrationSpec::renamed("failed", "failed")]),
        [
            "a migration of `failed` to itself changes nothing; name the function that makes its new data"
        ]
    );
    assert_eq!(
        problems(&[MigrationSpec::removed("escalated", "pending")]),
        ["rows of `escalated` are migrated twice; keep one migration from each state"]
    );
    let err = task_v2(&[MigrationSpec::removed("gone", "nowhere")]).unwrap_err();
    assert_eq!(
        err.problems()[0].site().map(|s| s.to_string()).as_deref(),
        Some("migrations[0].to")
    );
}
