//! The async store's spans: one per operation, with the transition's
//! fields, as a tracing backend (OpenTelemetry, logs) receives them.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use stateforge::runtime::db::{Store, StoreError, TransitionMeta};

stateforge::state_machine! {
    #[derive(Debug, Clone)]
    machine Valve {
        initial state Shut;
        state Open;
        event open: Shut -> Open;
        event shut: Open -> Shut;
    }
}

/// Each span's name and fields, as recorded, in the order the spans began.
type Spans = Arc<Mutex<Vec<(String, BTreeMap<String, String>)>>>;

/// A subscriber of this test's own that keeps every span and what is
/// recorded on it later.
struct Recorder(Spans);

struct Fields<'a>(&'a mut BTreeMap<String, String>);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        self.0.insert(field.name().to_owned(), format!("{value:?}"));
    }
    fn record_str(&mut self, field: &tracing::field::Field, value: &str) {
        self.0.insert(field.name().to_owned(), value.to_owned());
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attributes: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut fields = BTreeMap::new();
        attributes.record(&mut Fields(&mut fields));
        let mut spans = self.0.lock().unwrap();
        spans.push((attributes.metadata().name().to_owned(), fields));
        tracing::span::Id::from_u64(spans.len() as u64)
    }
    fn record(&self, span: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        let index = usize::try_from(span.into_u64()).unwrap() - 1;
        values.record(&mut Fields(&mut spans[index].1));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, _: &tracing::Event<'_>) {}
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn each_operation_is_a_span_with_its_transition() {
    let spans = Spans::default();
    let recorder = Recorder(spans.clone());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(recorder, || {
        runtime.block_on(async {
            let store = Store::in_memory().await.unwrap();
            let meta = TransitionMeta::new();
            store
                .create("v", &AnyValve::from(Valve::new()), &meta)
                .await
                .unwrap();
            store
                .fire::<AnyValve>("v", ValveEvent::Open, &meta)
                .await
                .unwrap();
            let refused = store.fire::<AnyValve>("v", ValveEvent::Open, &meta).await;
            assert!(matches!(refused, Err(StoreError::NotAllowed { .. })));
        });
    });
    let spans = spans.lock().unwrap();
    let ops: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "stateforge.store")
        .map(|(_, fields)| fields)
        .collect();
    assert_eq!(ops.len(), 3, "{spans:?}");
    let field = |i: usize, name: &str| ops[i].get(name).map(String::as_str);
    assert_eq!(field(0, "db.operation.name"), Some("create"));
    assert_eq!(field(0, "db.system.name"), Some("sqlite"));
    assert_eq!(field(0, "outcome"), Some("ok"));
    let fired = [
        "machine", "entity", "event", "from", "to", "version", "outcome",
    ]
    .map(|name| field(1, name));
    assert_eq!(
        fired,
        [
            Some("valve"),
            Some("v"),
            Some("open"),
            Some("shut"),
            Some("open"),
            Some("2"),
            Some("ok")
        ]
    );
    assert!(field(1, "duration_us").is_some());
    assert_eq!(field(2, "outcome"), Some("not_allowed"));
    assert_eq!(field(2, "to"), None, "a refused fire writes no transition");
}

/// The blocking store's operations are spans too, the same as the async
/// store's, on whichever backend the store is on.
fn blocking_operations_are_spans(store: &stateforge::runtime::db::blocking::Store, system: &str) {
    let spans = Spans::default();
    tracing::subscriber::with_default(Recorder(spans.clone()), || {
        let meta = TransitionMeta::new();
        store
            .create("v", &AnyValve::from(Valve::new()), &meta)
            .unwrap();
        store
            .fire::<AnyValve>("v", ValveEvent::Open, &meta)
            .unwrap();
        let refused = store.fire::<AnyValve>("v", ValveEvent::Open, &meta);
        assert!(matches!(refused, Err(StoreError::NotAllowed { .. })));
        let loaded = store.load::<AnyValve>("v").unwrap();
        store
            .save("v", loaded.version, "shut", &loaded.machine, &meta)
            .unwrap_err();
    });
    let spans = spans.lock().unwrap();
    let ops: Vec<_> = spans
        .iter()
        .filter(|(name, _)| name == "stateforge.store")
        .map(|(_, fields)| fields)
        .collect();
    let field = |i: usize, name: &str| ops[i].get(name).map(String::as_str);
    let names: Vec<_> = (0..ops.len())
        .map(|i| field(i, "db.operation.name"))
        .collect();
    assert_eq!(
        names,
        [
            Some("create"),
            Some("fire"),
            Some("fire"),
            Some("load"),
            Some("save")
        ]
    );
    assert_eq!(field(0, "db.system.name"), Some(system));
    let fired = [
        "machine", "entity", "event", "from", "to", "version", "outcome",
    ]
    .map(|name| field(1, name));
    assert_eq!(
        fired,
        [
            Some("valve"),
            Some("v"),
            Some("open"),
            Some("shut"),
            Some("open"),
            Some("2"),
            Some("ok")
        ]
    );
    assert!(field(1, "duration_us").is_some());
    assert_eq!(field(2, "outcome"), Some("not_allowed"));
    assert_eq!(field(2, "to"), None, "a refused fire writes no transition");
    assert_eq!(field(3, "outcome"), Some("ok"));
    assert_eq!(field(4, "outcome"), Some("not_a_transition"));
}

#[test]
fn the_blocking_stores_operations_are_spans_on_sqlite() {
    let store = stateforge::runtime::db::blocking::Store::open(":memory:").unwrap();
    blocking_operations_are_spans(&store, "sqlite");
}

#[test]
fn the_blocking_stores_operations_are_spans_on_postgres() {
    let test = "the_blocking_stores_operations_are_spans_on_postgres";
    let Some(url) = crate::pg_fixture::pg_url(test) else {
        return;
    };
    let prefix = crate::pg_fixture::unique_prefix(test);
    let store = stateforge::runtime::db::blocking::Store::open_with(&url, &prefix).unwrap();
    blocking_operations_are_spans(&store, "postgres");
    store.drop_tables().unwrap();
}

/// A dynamic machine's operations are spans too, with the transition's
/// fields, in the async store and the blocking one alike.
#[test]
fn dynamic_machines_operations_are_spans_in_both_apis() {
    use stateforge::runtime::{Registry, Timestamp};
    let json = r#"{"name": "lease",
        "states": [{"name": "held", "initial": true}, {"name": "expired", "final": true}],
        "events": [{"name": "expire", "arms": [{"from": ["held"], "to": "expired"}]}],
        "timers": [{"state": "held", "event": "expire", "after_ms": 60000}]}"#;
    let bound = Registry::new()
        .bind(stateforge::Definition::from_json(json).unwrap())
        .unwrap();
    let machine = || stateforge::runtime::DynMachine::new(bound.clone(), serde_json::json!({}));
    let later = Timestamp::now() + std::time::Duration::from_secs(61);
    let meta = TransitionMeta::new();
    let null = serde_json::Value::Null;
    let spans = Spans::default();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    tracing::subscriber::with_default(Recorder(spans.clone()), || {
        runtime.block_on(async {
            let store = Store::in_memory().await.unwrap();
            store.create_dyn("a", &machine(), &meta).await.unwrap();
            store.load_dyn(&bound, "a").await.unwrap();
            store
                .fire_dyn(&bound, "a", "expire", &null, &meta)
                .await
                .unwrap();
            store.create_dyn("b", &machine(), &meta).await.unwrap();
            assert_eq!(store.fire_due_dyn(&bound, later, 10).await.unwrap(), 1);
        });
        let store = stateforge::runtime::db::blocking::Store::open(":memory:").unwrap();
        store.create_dyn("a", &machine(), &meta).unwrap();
        store.load_dyn(&bound, "a").unwrap();
        store.fire_dyn(&bound, "a", "expire", &null, &meta).unwrap();
        store.create_dyn("b", &machine(), &meta).unwrap();
        assert_eq!(store.fire_due_dyn(&bound, later, 10).unwrap(), 1);
    });
    let spans = spans.lock().unwrap();
    let ops: Vec<_> = spans
        .iter()
        .filter(|(name, fields)| {
            name == "stateforge.store" && fields.get("machine").map(String::as_str) == Some("lease")
        })
        .map(|(_, fields)| fields)
        .collect();
    let shown = |i: usize| {
        [
            "db.operation.name",
            "entity",
            "event",
            "to",
            "version",
            "outcome",
        ]
        .map(|name| ops[i].get(name).cloned().unwrap_or_default())
        .join(" ")
    };
    let expected = [
        "create a  held  ok",
        "load a    ok",
        "fire a expire expired 2 ok",
        "create b  held  ok",
        "fire_due     ok",
    ];
    let async_ops: Vec<_> = (0..5).map(shown).collect();
    let blocking_ops: Vec<_> = (5..ops.len()).map(shown).collect();
    assert_eq!(async_ops, expected, "the async store's");
    assert_eq!(blocking_ops, expected, "the blocking store's");
}
