//! Listing a machine's entities a page at a time, by key.

use super::fixture::{Fixture, meta};
use super::machines::{AnyLamp, Lamp, LampEvent, new_task};
use stateforge::runtime::db::{EntityPage, EntityQuery, blocking::Store};

/// Keys a URL, a shell or a `LIKE` would treat apart, and keys beyond
/// ASCII.
const ODD_KEYS: [&str; 16] = [
    "a b",
    "a",
    "A",
    "0",
    "ä",
    "日本",
    "🙂",
    "it's",
    "50%",
    "under_score",
    "back\\slash",
    "line\nbreak",
    "zz",
    "z",
    "-",
    "é",
];

/// Every page of `query`, from its first: the keys listed and how many
/// pages it took. Each page holds at most the limit, in the state asked
/// for.
fn walk(store: &Store, mut query: EntityQuery) -> (Vec<String>, usize) {
    let (mut keys, mut pages) = (Vec::new(), 0);
    loop {
        let page: EntityPage = store.entity_page(&query).unwrap();
        pages += 1;
        assert!(page.entities.len() as u64 <= query.limit, "{query:?}");
        for row in page.entities {
            assert_eq!(row.machine, "lamp");
            if let Some(state) = &query.state {
                assert_eq!(&row.state, state, "{query:?}");
            }
            keys.push(row.entity_id);
        }
        match page.next {
            Some(next) => {
                assert_eq!(keys.last(), Some(&next), "a page ends at its next key");
                query = query.after(next);
            }
            None => return (keys, pages),
        }
    }
}

/// Walked a page at a time, with or without a state, at any limit, the
/// pages list every entity once, in key order (the database's, as
/// `entities` lists them: by bytes on SQLite), and the last page says it
/// is the last; a limit of 0 lists nothing, and a page after the last key
/// is empty.
pub(crate) fn pages_list_every_entity_once_in_key_order(fx: Fixture) {
    let store = fx.open();
    let mut ids: Vec<String> = ODD_KEYS.iter().map(|k| (*k).to_owned()).collect();
    ids.extend((0..30).map(|i| format!("l-{i:02}")));
    for (i, id) in ids.iter().enumerate() {
        store
            .create(id, &AnyLamp::from(Lamp::new(0)), &meta())
            .unwrap();
        if i % 3 == 0 {
            store
                .fire::<AnyLamp>(id, LampEvent::Toggle, &meta())
                .unwrap();
        }
    }
    // Another machine's entity of the same key is not listed.
    store.create("a", &new_task(), &meta()).unwrap();
    let listed = |state: Option<&str>| -> Vec<String> {
        let rows = store.entities("lamp", state).unwrap();
        rows.into_iter().map(|row| row.entity_id).collect()
    };
    let all = listed(None);
    let mut sorted = all.clone();
    sorted.sort();
    assert_eq!(sorted, {
        let mut ids = ids.clone();
        ids.sort();
        ids
    });
    if store.backend() == "sqlite" {
        assert_eq!(all, sorted, "SQLite compares keys by bytes, as Rust does");
    }
    let on = listed(Some("on"));
    assert_eq!(on.len(), 16);
    for limit in [1, 7, 16, 23, 46, 1000, u64::MAX] {
        for (state, expected) in [(None, &all), (Some("on"), &on)] {
            let mut query = EntityQuery::machine("lamp").limit(limit);
            if let Some(state) = state {
                query = query.state(state);
            }
            let (keys, pages) = walk(&store, query);
            assert_eq!(&keys, expected, "limit {limit}, state {state:?}");
            let full = u64::try_from(expected.len()).unwrap();
            let needed = full.div_ceil(limit).max(1);
            assert_eq!(u64::try_from(pages).unwrap(), needed, "limit {limit}");
        }
    }
    let empty = |query: EntityQuery| {
        let page = store.entity_page(&query).unwrap();
        assert!(page.entities.is_empty(), "{query:?}");
        assert_eq!(page.next, None, "{query:?}");
    };
    empty(EntityQuery::machine("lamp").limit(0));
    empty(EntityQuery::machine("lamp").after(all.last().unwrap().as_str()));
    empty(EntityQuery::machine("lamp").state("nowhere"));
    empty(EntityQuery::machine("nobody"));
    // A key that is no entity's starts the page after where it would be.
    let page = store
        .entity_page(&EntityQuery::machine("lamp").after("l-04x").limit(2))
        .unwrap();
    let keys: Vec<&str> = page.entities.iter().map(|r| r.entity_id.as_str()).collect();
    assert_eq!(keys, ["l-05", "l-06"]);
    assert_eq!(page.next.as_deref(), Some("l-06"));
}
