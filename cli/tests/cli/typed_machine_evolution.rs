//! The test a user writes before deploying a changed machine, with the
//! machine declared by `state_machine!`: v1 with 10,000 entities spread
//! over every state and timers pending; v2 renames a state, removes
//! another (its rows go to the renamed one, their data made by a
//! function), adds a state and a context field read with a default.
//! Every row loads under v2 and every row that can fires under it, every
//! pending timer fires once, every history replays across the change, and
//! the `stateforge history` command shows the migration; on SQLite and on
//! PostgreSQL.

use std::time::{Duration, Instant};

use stateforge::runtime::db::{HistoryQuery, MigrateOptions, TransitionMeta, blocking::Store};
use stateforge::runtime::{Timestamp, replay_across};

use crate::pg_fixture::PgFixture;
use crate::{out, stateforge};

/// The machine as first deployed.
mod v1 {
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    pub(crate) struct Customer {
        pub(crate) name: String,
    }

    stateforge::state_machine! {
        #[derive(Debug)]
        pub(crate) machine Order {
            context: Customer;
            initial state Placed;
            state Paid { amount: u32 }
            state Backordered { amount: u32, supplier: String }
            state Packing { amount: u32 }
            final state Shipped;
            final state Cancelled;
            event pay(amount: u32): Placed -> Paid;
            event backorder(supplier: String): Paid -> Backordered;
            event restock: Backordered -> Paid after 1h;
            event pack: Paid -> Packing after 30min;
            event ship: Packing -> Shipped;
            event cancel: Placed -> Cancelled;
        }
    }
}

/// `Paid` renamed `Charged`, `Backordered` removed (its rows charged, the
/// supplier dropped), `OnHold` added, and the customer's priority, which
/// v1 never wrote, read as 0.
mod v2 {
    #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
    pub(crate) struct Customer {
        pub(crate) name: String,
        #[serde(default)]
        pub(crate) priority: u8,
    }

    stateforge::state_machine! {
        #[derive(Debug)]
        pub(crate) machine Order {
            context: Customer;
            initial state Placed;
            state Charged (was Paid) { amount: u32 }
            state Packing { amount: u32 }
            state OnHold { amount: u32 }
            final state Shipped;
            final state Cancelled;
            removed state Backordered -> Charged with backorder_as_charge;
            event pay(amount: u32): Placed -> Charged;
            event pack: Charged -> Packing after 30min;
            event hold: Packing -> OnHold;
            event release: OnHold -> Packing;
            event ship: Packing -> Shipped;
            event cancel: Placed -> Cancelled;
        }
    }

    #[derive(serde::Deserialize)]
    pub(crate) struct BackorderedV1 {
        amount: u32,
        #[allow(dead_code)]
        supplier: String,
    }

    fn backorder_as_charge(old: BackorderedV1) -> Charged {
        Charged { amount: old.amount }
    }
}

const ENTITIES: usize = 10_000;
/// Entities created per unit of work.
const UNIT: usize = 500;
/// v1's states, in the order entities are spread over them.
const V1_STATES: [&str; 6] = [
    "placed",
    "paid",
    "backordered",
    "packing",
    "shipped",
    "cancelled",
];

fn id(i: usize) -> String {
    format!("ord-{i:05}")
}

fn v1_state(i: usize) -> &'static str {
    V1_STATES[i % V1_STATES.len()]
}

fn count(state: &str) -> usize {
    (0..ENTITIES).filter(|i| v1_state(*i) == state).count()
}

/// The state under v2 of an entity left in `state` of v1.
fn v2_state(state: &str) -> v2::OrderState {
    match state {
        "placed" => v2::OrderState::Placed,
        "paid" | "backordered" => v2::OrderState::Charged,
        "packing" => v2::OrderState::Packing,
        "shipped" => v2::OrderState::Shipped,
        "cancelled" => v2::OrderState::Cancelled,
        other => panic!("{other}"),
    }
}

#[test]
fn ten_thousand_typed_entities_move_from_v1_to_v2_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("orders.db").display().to_string();
    let store = Store::open(&db).unwrap();
    v1_to_v2(&store, &["--db", &db], "sqlite");
}

#[test]
fn ten_thousand_typed_entities_move_from_v1_to_v2_on_postgres() {
    let Some(pg) = PgFixture::new("ten_thousand_typed_entities_v1_to_v2") else {
        return;
    };
    v1_to_v2(
        &pg.store,
        &["--db", pg.url.as_str(), "--prefix", pg.prefix.as_str()],
        "postgres",
    );
}

fn meta() -> TransitionMeta {
    TransitionMeta::new().actor("test")
}

/// Creates the entities under v1, in units, each by the transitions a
/// user's would take: the history v2 must replay.
fn create_under_v1(store: &Store) {
    let ids: Vec<usize> = (0..ENTITIES).collect();
    for unit in ids.chunks(UNIT) {
        store
            .unit(|u| {
                for &i in unit {
                    let customer = v1::Customer {
                        name: format!("c{i}"),
                    };
                    u.create(
                        &id(i),
                        &v1::AnyOrder::from(v1::Order::new(customer)),
                        &meta(),
                    )?;
                    let fire = |event| u.fire::<v1::AnyOrder>(&id(i), event, &meta());
                    match v1_state(i) {
                        "placed" => {}
                        "cancelled" => {
                            fire(v1::OrderEvent::Cancel)?;
                        }
                        later => {
                            fire(v1::OrderEvent::Pay { amount: i as u32 })?;
                            if later == "backordered" {
                                let supplier = format!("s{}", i % 7);
                                fire(v1::OrderEvent::Backorder { supplier })?;
                            }
                            if later == "packing" || later == "shipped" {
                                fire(v1::OrderEvent::Pack)?;
                            }
                            if later == "shipped" {
                                fire(v1::OrderEvent::Ship)?;
                            }
                        }
                    }
                }
                Ok(())
            })
            .unwrap();
    }
}

fn v1_to_v2(store: &Store, db: &[&str], backend: &str) {
    let started = Instant::now();
    create_under_v1(store);
    let created = started.elapsed();
    let (v1_def, v2_def) = (v1::AnyOrder::definition(), v2::AnyOrder::definition());
    assert!(
        stateforge::compare(v1_def, v2_def).is_compatible(),
        "v2 declares a migration for every state it lacks"
    );
    let pending = store.next_due("order").unwrap().unwrap();
    assert!(pending > Timestamp::now(), "v1's timers are pending");

    // v2 is deployed. Every row loads under it, in the state its
    // declarations name, the new context field at its default; the
    // removed state's rows with the data its function made.
    let loading = Instant::now();
    for i in 0..ENTITIES {
        let loaded = store.load::<v2::AnyOrder>(&id(i)).unwrap();
        let state = v1_state(i);
        assert_eq!(loaded.machine.state(), v2_state(state), "{}", id(i));
        let context = loaded.machine.context();
        assert_eq!(
            (context.name.clone(), context.priority),
            (format!("c{i}"), 0)
        );
        if let v2::AnyOrder::Charged(order) = &loaded.machine {
            assert_eq!(order.state().amount, i as u32);
        }
    }

    let loaded_in = loading.elapsed();
    // Lazily: the entities still placed pay, and those packing are held,
    // under v2; neither state changed, so no migration record is needed.
    for i in (0..ENTITIES).filter(|i| matches!(v1_state(*i), "placed" | "packing")) {
        let event = match v1_state(i) {
            "placed" => v2::OrderEvent::Pay { amount: 7 },
            _ => v2::OrderEvent::Hold,
        };
        store.fire::<v2::AnyOrder>(&id(i), event, &meta()).unwrap();
    }
    // The rest in batches: the renamed and removed states' rows move, the
    // final ones are rewritten under v2, each with a `(migrated)` record.
    let migrating = Instant::now();
    let report = store
        .migrate_machine::<v2::AnyOrder>(MigrateOptions::new().batch(UNIT))
        .unwrap();
    let migrated_in = migrating.elapsed();
    let moved = count("paid") + count("backordered") + count("shipped") + count("cancelled");
    assert_eq!(
        (report.migrated, report.current),
        (moved as u64, (ENTITIES - moved) as u64)
    );
    assert!(report.refused.is_empty(), "{:?}", report.refused);

    // Every pending timer fires once, under v2: each charged order packs
    // (those charged under v2 as well as the migrated ones).
    let timers = Instant::now();
    let later = Timestamp::now() + Duration::from_secs(2 * 3600);
    let charged = count("placed") + count("paid") + count("backordered");
    assert_eq!(
        store.fire_due::<v2::AnyOrder>(later, ENTITIES).unwrap(),
        charged
    );
    assert_eq!(store.fire_due::<v2::AnyOrder>(later, ENTITIES).unwrap(), 0);
    let timers_in = timers.elapsed();
    assert_eq!(
        store.entities("order", Some("packing")).unwrap().len(),
        charged
    );
    assert_eq!(
        store.entities("order", Some("on_hold")).unwrap().len(),
        count("packing")
    );

    // Every history holds together across the change, and ends where
    // the row is.
    let replaying = Instant::now();
    let rows = store.entities("order", None).unwrap();
    assert_eq!(rows.len(), ENTITIES);
    let definitions = [v1_def, v2_def];
    for row in &rows {
        let history = store
            .history(&HistoryQuery::entity("order", row.entity_id.as_str()).limit(20))
            .unwrap();
        assert_eq!(
            replay_across(&definitions, &history).unwrap(),
            (row.state.clone(), row.version),
            "{}",
            row.entity_id
        );
    }
    let replayed_in = replaying.elapsed();

    // The command-line tool shows the migration in an entity's history.
    for (i, from, to) in [(1, "paid", "charged"), (2, "backordered", "charged")] {
        let mut args = vec!["history", "--machine", "order"];
        let entity = id(i);
        args.extend(["--entity", entity.as_str()]);
        args.extend(db);
        let (code, history, stderr) = out(&stateforge(&args));
        assert_eq!(code, 0, "{stderr}");
        let migrated = history
            .lines()
            .find(|l| l.contains("(migrated)"))
            .unwrap_or_else(|| panic!("no migration in\n{history}"));
        assert!(
            migrated.contains(&format!("{from} -> {to}")) && migrated.contains("migration"),
            "{migrated}"
        );
    }
    eprintln!(
        "{backend}: {ENTITIES} entities created in {created:?}, loaded under v2 in \
         {loaded_in:?}, migrated in {migrated_in:?}, timers fired in {timers_in:?}, \
         histories replayed in {replayed_in:?}, whole test {:?}",
        started.elapsed()
    );
}
