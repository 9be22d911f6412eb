//! Listing a machine's entities a page at a time, by key: which ones
//! ([`EntityQuery`]) and what a page holds ([`EntityPage`]).

use crate::db::EntityRow;

/// Which entities to list, a page at a time: those of one machine (in one
/// state, with [`EntityQuery::state`]), by key, after a key
/// ([`EntityQuery::after`]), at most [`EntityQuery::limit`] of them.
///
/// Each page is one range read of an index, whatever page it is: a walk
/// through every entity passes the last key of a page
/// ([`EntityPage::next`]) to the query of the next one, rather than
/// skipping rows as an offset would.
///
/// Keys are in the order the database compares them: by bytes on SQLite,
/// by the column's collation on PostgreSQL (by bytes under a `C` or
/// `C.UTF-8` database).
///
/// ```
/// use stateforge_runtime::db::EntityQuery;
/// let q = EntityQuery::machine("task").state("pending").after("t-123").limit(100);
/// assert_eq!(q.state.as_deref(), Some("pending"));
/// assert_eq!(q.after.as_deref(), Some("t-123"));
/// assert_eq!(q.limit, 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntityQuery {
    /// The machine whose entities are listed.
    pub machine: String,
    /// Only the entities in this state.
    pub state: Option<String>,
    /// Only the entities whose key comes after this one.
    pub after: Option<String>,
    /// At most this many entities (1,000 unless set).
    pub limit: u64,
}

impl EntityQuery {
    /// The first page of `machine`'s entities, in every state.
    ///
    /// ```
    /// let q = stateforge_runtime::db::EntityQuery::machine("task");
    /// assert_eq!((q.machine.as_str(), q.state, q.after, q.limit), ("task", None, None, 1000));
    /// ```
    pub fn machine(machine: impl Into<String>) -> Self {
        EntityQuery {
            machine: machine.into(),
            state: None,
            after: None,
            limit: 1000,
        }
    }

    /// Only the entities in `state`.
    ///
    /// ```
    /// let q = stateforge_runtime::db::EntityQuery::machine("task").state("done");
    /// assert_eq!(q.state.as_deref(), Some("done"));
    /// ```
    #[must_use]
    pub fn state(mut self, state: impl Into<String>) -> Self {
        self.state = Some(state.into());
        self
    }

    /// Only the entities whose key comes after `entity_id`: the page
    /// after the one whose [`EntityPage::next`] it is.
    ///
    /// ```
    /// let q = stateforge_runtime::db::EntityQuery::machine("task").after("t-9");
    /// assert_eq!(q.after.as_deref(), Some("t-9"));
    /// ```
    #[must_use]
    pub fn after(mut self, entity_id: impl Into<String>) -> Self {
        self.after = Some(entity_id.into());
        self
    }

    /// At most `limit` entities a page. A limit of 0 reads nothing: an
    /// empty page, with no next one.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::EntityQuery::machine("task").limit(50).limit, 50);
    /// ```
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }
}

/// One page of an [`EntityQuery`]: its entities by key, and where the
/// next page starts. A walk through every page queries again after
/// [`EntityPage::next`] until it is `None`.
///
/// ```
/// use stateforge_runtime::db::{EntityPage, EntityQuery};
/// let query = EntityQuery::machine("task").state("pending").limit(100);
/// let page = EntityPage { entities: Vec::new(), next: Some("t-0100".to_owned()) };
/// let next = page.next.map(|key| query.clone().after(key));
/// assert_eq!(next.unwrap().after.as_deref(), Some("t-0100"));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EntityPage {
    /// The page's entities, by key. A row that does not read as an
    /// entity (edited past the store) is logged with `tracing::warn!`
    /// and left out, so a page may hold fewer than the limit and still
    /// have a next one.
    pub entities: Vec<EntityRow>,
    /// The key of the last row the page read, when more rows follow: pass
    /// it to [`EntityQuery::after`] for the next page. `None` on the last
    /// page.
    pub next: Option<String>,
}
