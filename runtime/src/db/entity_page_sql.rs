//! The SQL of a page of entities by key, with only the filters that are
//! set, as both backends run it, and the page made of the rows it reads.

use crate::db::backend::KeyedRow;
use crate::db::shared::{good_rows, to_i64};
use crate::db::{EntityPage, EntityQuery};

/// A page's statement and its values, in placeholder order.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct EntityPageSql<'q> {
    pub(crate) sql: String,
    /// The machine, then the state and the key after, when set.
    pub(crate) texts: Vec<&'q str>,
    /// How many rows to read: one past the limit, to know whether a
    /// next page exists.
    pub(crate) rows: i64,
}

/// The statement of `q` on `table`, selecting `columns`; `placeholder(n)`
/// writes the n-th (1-based) placeholder: `?n` for SQLite, `$n` for
/// PostgreSQL. Only the filters that are set reach the SQL, so that each
/// is a range read of an index: the by-state key index, or the primary
/// key without a state.
pub(crate) fn entity_page_sql<'q>(
    table: &str,
    columns: &str,
    q: &'q EntityQuery,
    placeholder: fn(usize) -> String,
) -> EntityPageSql<'q> {
    let mut texts = vec![q.machine.as_str()];
    let mut conditions = vec![format!("machine = {}", placeholder(1))];
    if let Some(state) = &q.state {
        texts.push(state);
        conditions.push(format!("state = {}", placeholder(texts.len())));
    }
    if let Some(after) = &q.after {
        texts.push(after);
        conditions.push(format!("entity_id > {}", placeholder(texts.len())));
    }
    let limit = placeholder(texts.len() + 1);
    EntityPageSql {
        sql: format!(
            "SELECT {columns} FROM {table} WHERE {} ORDER BY entity_id LIMIT {limit}",
            conditions.join(" AND ")
        ),
        texts,
        rows: to_i64(q.limit).saturating_add(1),
    }
}

/// The page of `q` from the rows read for it (at most one past the limit),
/// each with its key: the entities that read, and the next page's start
/// when the limit left rows behind.
pub(crate) fn into_page(q: &EntityQuery, mut rows: Vec<KeyedRow>) -> EntityPage {
    let limit = usize::try_from(q.limit).unwrap_or(usize::MAX);
    let next = if rows.len() > limit {
        rows.truncate(limit);
        rows.last().map(|(key, _)| key.clone())
    } else {
        None
    };
    let entities = good_rows(rows.into_iter().map(|(_, row)| row).collect());
    EntityPage { entities, next }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_filters_set_reach_the_sql() {
        let q = EntityQuery::machine("task")
            .state("pending")
            .after("t-1")
            .limit(100);
        let built = entity_page_sql("e", "entity_id", &q, |n| format!("${n}"));
        assert_eq!(
            built.sql,
            "SELECT entity_id FROM e WHERE machine = $1 AND state = $2 AND entity_id > $3 \
             ORDER BY entity_id LIMIT $4"
        );
        assert_eq!(built.texts, ["task", "pending", "t-1"]);
        assert_eq!(built.rows, 101);
        let first = EntityQuery::machine("task").limit(u64::MAX);
        let built = entity_page_sql("e", "entity_id", &first, |n| format!("?{n}"));
        assert_eq!(
            built.sql,
            "SELECT entity_id FROM e WHERE machine = ?1 ORDER BY entity_id LIMIT ?2"
        );
        assert_eq!(built.rows, i64::MAX);
    }

    fn row(id: &str) -> KeyedRow {
        let bad = crate::db::StoreError::BadRow {
            machine: "m".into(),
            entity_id: id.into(),
            what: "test".into(),
        };
        (id.to_owned(), Err(bad))
    }

    #[test]
    fn the_next_page_starts_after_the_last_row_read_even_a_bad_one() {
        let q = EntityQuery::machine("m").limit(2);
        let page = into_page(&q, vec![row("a"), row("b"), row("c")]);
        assert!(page.entities.is_empty());
        assert_eq!(page.next.as_deref(), Some("b"));
        let last = into_page(&q, vec![row("a"), row("b")]);
        assert_eq!(last.next, None);
        let none = into_page(&q.clone().limit(0), vec![row("a")]);
        assert_eq!((none.entities.len(), none.next), (0, None));
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod plan_tests {
    use super::*;
    use crate::db::SqliteStore;

    /// What SQLite plans for a page: a range read of an index, in its
    /// order, never a scan of the table nor a sort.
    fn plan(q: &EntityQuery) -> String {
        let store = SqliteStore::open_in_memory().unwrap();
        let built = entity_page_sql("sf_entities", "entity_id, data", q, |n| format!("?{n}"));
        store.with_connection(|conn| {
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", built.sql))
                .unwrap();
            let mut values: Vec<&dyn rusqlite::ToSql> = built
                .texts
                .iter()
                .map(|text| text as &dyn rusqlite::ToSql)
                .collect();
            values.push(&built.rows);
            let rows = stmt
                .query_map(values.as_slice(), |r| r.get::<_, String>(3))
                .unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        })
    }

    #[test]
    fn every_page_is_a_range_read_of_an_index() {
        let in_state = plan(&EntityQuery::machine("task").state("pending").after("t-1"));
        assert!(
            in_state.contains(
                "USING INDEX sf_entities_by_state_key (machine=? AND state=? AND entity_id>?)"
            ),
            "{in_state}"
        );
        let every_state = plan(&EntityQuery::machine("task").after("t-1"));
        assert!(
            every_state.contains("(machine=? AND entity_id>?)"),
            "{every_state}"
        );
        for plan in [in_state, every_state] {
            assert!(!plan.contains("TEMP B-TREE"), "{plan}");
            assert!(!plan.contains("SCAN"), "{plan}");
        }
    }
}
