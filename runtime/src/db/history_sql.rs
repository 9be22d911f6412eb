//! The SQL of a history query, with only the filters that are set.
//!
//! `(? IS NULL OR machine = ?)` for every filter would make one statement
//! serve every query, but no index can serve it: SQLite scans the whole
//! table, and PostgreSQL's generic plan for a prepared statement does too.
//! Each set of filters gets its own statement instead (at most 2^6 orders
//! of them, so prepared-statement caches stay small).

use crate::db::HistoryQuery;
use crate::db::shared::to_i64;

/// A value bound to a history query's statement.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum HistoryParam<'q> {
    Text(&'q str),
    Int(i64),
}

/// The statement and its values, in placeholder order.
#[derive(Debug)]
pub(crate) struct HistorySql<'q> {
    pub(crate) sql: String,
    pub(crate) params: Vec<HistoryParam<'q>>,
}

impl HistorySql<'_> {
    /// The values as rusqlite binds them.
    #[cfg(feature = "sqlite")]
    pub(crate) fn sqlite_params(&self) -> Vec<&dyn rusqlite::ToSql> {
        self.params
            .iter()
            .map(|p| match p {
                HistoryParam::Text(text) => text as &dyn rusqlite::ToSql,
                HistoryParam::Int(int) => int as &dyn rusqlite::ToSql,
            })
            .collect()
    }
}

pub(crate) const HISTORY_COLUMNS: &str = "machine, entity_id, from_state, to_state, event, reason, actor, session, at, metadata, version";

/// `placeholder(n)` writes the n-th (1-based) placeholder: `?n` for
/// SQLite, `$n` for PostgreSQL.
pub(crate) fn history_sql<'q>(
    table: &str,
    q: &'q HistoryQuery,
    placeholder: fn(usize) -> String,
) -> HistorySql<'q> {
    let mut conditions = Vec::new();
    let mut params = Vec::new();
    let mut filter = |column: &str, op: &str, value: HistoryParam<'q>| {
        params.push(value);
        conditions.push(format!("{column} {op} {}", placeholder(params.len())));
    };
    if let Some(machine) = &q.machine {
        filter("machine", "=", HistoryParam::Text(machine));
    }
    if let Some(entity_id) = &q.entity_id {
        filter("entity_id", "=", HistoryParam::Text(entity_id));
    }
    if let Some(session) = &q.session {
        filter("session", "=", HistoryParam::Text(session));
    }
    if let Some(actor) = &q.actor {
        filter("actor", "=", HistoryParam::Text(actor));
    }
    if let Some(since) = q.since {
        filter("at", ">=", HistoryParam::Int(since.as_micros()));
    }
    if let Some(until) = q.until {
        filter("at", "<", HistoryParam::Int(until.as_micros()));
    }
    let filters = if conditions.is_empty() {
        String::new()
    } else {
        format!(" WHERE {}", conditions.join(" AND "))
    };
    let order = if q.newest_first { "DESC" } else { "ASC" };
    params.push(HistoryParam::Int(to_i64(q.limit)));
    let limit = placeholder(params.len());
    params.push(HistoryParam::Int(to_i64(q.offset)));
    let offset = placeholder(params.len());
    HistorySql {
        sql: format!(
            "SELECT {HISTORY_COLUMNS} FROM {table}{filters} ORDER BY id {order} LIMIT {limit} OFFSET {offset}"
        ),
        params,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_filters_set_reach_the_sql() {
        let q = HistoryQuery::session("s-1").newest_first().limit(100);
        let built = history_sql("h", &q, |n| format!("${n}"));
        assert_eq!(
            built.sql,
            format!(
                "SELECT {HISTORY_COLUMNS} FROM h WHERE session = $1 ORDER BY id DESC LIMIT $2 OFFSET $3"
            )
        );
        assert_eq!(
            built.params,
            [
                HistoryParam::Text("s-1"),
                HistoryParam::Int(100),
                HistoryParam::Int(0)
            ]
        );
        let everything = HistoryQuery::default();
        let all = history_sql("h", &everything, |n| format!("?{n}"));
        assert_eq!(
            all.sql,
            format!("SELECT {HISTORY_COLUMNS} FROM h ORDER BY id ASC LIMIT ?1 OFFSET ?2")
        );
    }
}

#[cfg(all(test, feature = "sqlite"))]
mod plan_tests {
    use super::*;
    use crate::db::SqliteStore;

    /// What SQLite plans for a history query: each query by entity, by
    /// session, by actor or by time searches an index instead of scanning
    /// the table.
    fn plan(q: &HistoryQuery) -> String {
        let store = SqliteStore::open_in_memory().unwrap();
        let built = history_sql("sf_history", q, |n| format!("?{n}"));
        store.with_connection(|conn| {
            let mut stmt = conn
                .prepare(&format!("EXPLAIN QUERY PLAN {}", built.sql))
                .unwrap();
            let rows = stmt
                .query_map(built.sqlite_params().as_slice(), |r| r.get::<_, String>(3))
                .unwrap();
            rows.map(Result::unwrap).collect::<Vec<_>>().join("; ")
        })
    }

    #[test]
    fn every_filtered_query_uses_an_index() {
        use crate::Timestamp;
        let queries = [
            HistoryQuery::entity("task", "t-1"),
            HistoryQuery::session("s-1").newest_first().limit(100),
            HistoryQuery::actor("ada"),
            HistoryQuery::between(Timestamp::from_micros(0), Timestamp::from_micros(9)),
        ];
        for q in &queries {
            let plan = plan(q);
            assert!(plan.contains("USING INDEX"), "{q:?}: {plan}");
            assert!(!plan.contains("SCAN sf_history"), "{q:?}: {plan}");
        }
    }
}
