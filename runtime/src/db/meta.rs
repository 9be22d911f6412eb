//! The values that travel with a store operation.

use crate::time::Timestamp;

/// Who moves an entity, why, and under which session.
///
/// ```
/// use stateforge_runtime::db::TransitionMeta;
/// let meta = TransitionMeta::new().reason("agent crashed").actor("watchdog").session("s-1");
/// assert_eq!(meta.actor.as_deref(), Some("watchdog"));
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TransitionMeta {
    /// Why, in the caller's words.
    pub reason: Option<String>,
    /// Who (a user, a worker, `timer`).
    pub actor: Option<String>,
    /// The caller's session: an entity created in a session moves only in it.
    pub session: Option<String>,
    /// Free-form JSON kept with the history record.
    pub metadata: serde_json::Value,
    /// Move an entity of another session anyway (an operator's override).
    pub cross_session: bool,
    /// The request's idempotency key: a fire with a key the store has
    /// seen (and not yet expired) moves nothing and returns the first
    /// outcome again. See [`TransitionMeta::idempotency_key`].
    pub idempotency_key: Option<String>,
    /// How long the key is remembered; `None`:
    /// [`TransitionMeta::DEFAULT_KEY_TTL`].
    pub idempotency_ttl: Option<std::time::Duration>,
    /// Outbox messages (topic, payload) the fire writes in its own
    /// transaction, for an `OutboxWorker` (with a store feature) to
    /// deliver. See [`TransitionMeta::message`].
    pub messages: Vec<(String, serde_json::Value)>,
}

impl TransitionMeta {
    /// How long an idempotency key is remembered unless
    /// [`TransitionMeta::idempotency_ttl`] says otherwise: a day.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// assert_eq!(TransitionMeta::DEFAULT_KEY_TTL.as_secs(), 86_400);
    /// ```
    pub const DEFAULT_KEY_TTL: std::time::Duration = std::time::Duration::from_secs(86_400);

    /// No reason, actor, session or metadata.
    ///
    /// ```
    /// assert!(stateforge_runtime::db::TransitionMeta::new().reason.is_none());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets the reason.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// assert_eq!(TransitionMeta::new().reason("x").reason.as_deref(), Some("x"));
    /// ```
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// Sets the actor.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// assert_eq!(TransitionMeta::new().actor("ada").actor.as_deref(), Some("ada"));
    /// ```
    #[must_use]
    pub fn actor(mut self, actor: impl Into<String>) -> Self {
        self.actor = Some(actor.into());
        self
    }

    /// Sets the session.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// assert_eq!(TransitionMeta::new().session("s").session.as_deref(), Some("s"));
    /// ```
    #[must_use]
    pub fn session(mut self, session: impl Into<String>) -> Self {
        self.session = Some(session.into());
        self
    }

    /// Sets the metadata.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// let m = TransitionMeta::new().metadata(serde_json::json!({"attempt": 2}));
    /// assert_eq!(m.metadata["attempt"], 2);
    /// ```
    #[must_use]
    pub fn metadata(mut self, metadata: serde_json::Value) -> Self {
        self.metadata = metadata;
        self
    }

    /// Allows moving an entity of another session.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// assert!(TransitionMeta::new().cross_session().cross_session);
    /// ```
    #[must_use]
    pub fn cross_session(mut self) -> Self {
        self.cross_session = true;
        self
    }

    /// Makes the fire idempotent under `key` (a client's request id):
    /// the first fire with it moves the entity and keeps its outcome,
    /// in the same transaction; a fire with the same key, until the key
    /// expires, moves nothing and returns that outcome again (the same
    /// version and state, marked [`Fired::replayed`], after-listeners not
    /// told again), from any process. A key names one request: fired on
    /// another entity or with another event it is
    /// [`StoreError::IdempotencyKeyReused`](crate::db::StoreError::IdempotencyKeyReused).
    /// Only fires (typed, dynamic, in units) read it; `create` and `save`
    /// do not.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// let meta = TransitionMeta::new().idempotency_key("req-7f3a");
    /// assert_eq!(meta.idempotency_key.as_deref(), Some("req-7f3a"));
    /// ```
    #[must_use]
    pub fn idempotency_key(mut self, key: impl Into<String>) -> Self {
        self.idempotency_key = Some(key.into());
        self
    }

    /// Adds an outbox message: the fire writes it in the transaction that
    /// moves the entity (both commit, or neither), and an
    /// `OutboxWorker` (with a store feature) delivers it afterwards,
    /// at least once, after the entity's earlier messages. Only fires
    /// (typed, dynamic, in units) write them; a unit can also write its
    /// own (`StoreUnit::enqueue`).
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// let meta = TransitionMeta::new().message("invoice", serde_json::json!({"total": 12}));
    /// assert_eq!(meta.messages.len(), 1);
    /// ```
    #[must_use]
    pub fn message(mut self, topic: impl Into<String>, payload: serde_json::Value) -> Self {
        self.messages.push((topic.into(), payload));
        self
    }

    /// How long the idempotency key is remembered, from the fire that
    /// kept it; past that, the same key is a new request. Expired keys
    /// are replaced when reused, and removed by
    /// `Store::expire_idempotency_keys`.
    ///
    /// ```
    /// # use stateforge_runtime::db::TransitionMeta;
    /// let meta = TransitionMeta::new().idempotency_key("k").idempotency_ttl(std::time::Duration::from_secs(60));
    /// assert_eq!(meta.idempotency_ttl.unwrap().as_secs(), 60);
    /// ```
    #[must_use]
    pub fn idempotency_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.idempotency_ttl = Some(ttl);
        self
    }
}

/// An entity's row.
///
/// ```
/// # use stateforge_runtime::db::EntityRow;
/// # use stateforge_runtime::Timestamp;
/// let row = EntityRow {
///     machine: "task".into(), entity_id: "t-1".into(), state: "pending".into(),
///     data: serde_json::Value::Null, version: 1, fingerprint: "00".into(), session: None,
///     created_at: Timestamp::from_micros(0), updated_at: Timestamp::from_micros(0),
/// };
/// assert_eq!(row.version, 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct EntityRow {
    /// The machine's name.
    pub machine: String,
    /// The entity's id.
    pub entity_id: String,
    /// Its current state's name.
    pub state: String,
    /// Its data (context and state data) as JSON.
    pub data: serde_json::Value,
    /// Its version: 1 when created, one more per transition.
    pub version: u64,
    /// The fingerprint of the definition it was last written under.
    pub fingerprint: String,
    /// The session it belongs to, if any.
    pub session: Option<String>,
    /// When it was created.
    pub created_at: Timestamp,
    /// When it last moved.
    pub updated_at: Timestamp,
}

/// A machine loaded from a store, with the version it was read at.
///
/// ```
/// let loaded = stateforge_runtime::db::Loaded { entity_id: "t-1".to_owned(), machine: 5u8, version: 2 };
/// assert_eq!(loaded.version, 2);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded<M> {
    /// The entity's id.
    pub entity_id: String,
    /// The machine, as stored.
    pub machine: M,
    /// The version it was read at; saving checks it is still current.
    pub version: u64,
}

/// A transition made inside a unit of work (`fire_with` on a unit): the
/// machine as it now is, and where it came from, named, so that the
/// caller can tell its after-listeners once the unit has committed.
///
/// ```
/// use stateforge_runtime::db::{Fired, Loaded, TransitionMeta};
/// let fired = Fired {
///     loaded: Loaded { entity_id: "t-1".to_owned(), machine: (), version: 2 },
///     machine: "task",
///     event: "assign",
///     from: "pending",
///     to: "assigned",
///     replayed: false,
/// };
/// let meta = TransitionMeta::new().actor("ada");
/// assert_eq!(fired.info(&meta).to_string(), "task t-1: pending --assign--> assigned");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Fired<M> {
    /// The entity, moved, at its new version.
    pub loaded: Loaded<M>,
    /// The machine's name.
    pub machine: &'static str,
    /// The event fired.
    pub event: &'static str,
    /// The state left.
    pub from: &'static str,
    /// The state entered.
    pub to: &'static str,
    /// Whether this is the outcome kept for the meta's idempotency key,
    /// returned again: nothing moved this time.
    pub replayed: bool,
}

impl<M> Fired<M> {
    /// The transition as listeners are told it, with `meta`: pass it to
    /// [`Listeners::notify`](crate::Listeners::notify) once the unit has
    /// committed.
    ///
    /// See [`Fired`] for an example.
    pub fn info<'a>(&'a self, meta: &'a TransitionMeta) -> crate::TransitionInfo<'a> {
        crate::TransitionInfo::new(
            self.machine,
            Some(&self.loaded.entity_id),
            self.event,
            self.from,
            self.to,
        )
        .with_meta(meta)
    }
}

/// Which history records to read, a page at a time: oldest first, or
/// newest first with [`HistoryQuery::newest_first`].
///
/// Only the filters that are set reach the SQL, so each query can use the
/// history table's indexes (by entity, by session, by actor, by time).
///
/// ```
/// use stateforge_runtime::db::HistoryQuery;
/// let q = HistoryQuery::entity("task", "t-1").limit(50);
/// assert_eq!(q.limit, 50);
/// // The 100 latest records of a session.
/// let latest = HistoryQuery::session("s-1").newest_first().limit(100);
/// assert!(latest.newest_first);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryQuery {
    /// Only this machine's records.
    pub machine: Option<String>,
    /// Only this entity's records.
    pub entity_id: Option<String>,
    /// Only this session's records.
    pub session: Option<String>,
    /// Only this actor's records.
    pub actor: Option<String>,
    /// Only records at or after this time.
    pub since: Option<Timestamp>,
    /// Only records before this time.
    pub until: Option<Timestamp>,
    /// Skip this many records.
    pub offset: u64,
    /// At most this many records.
    pub limit: u64,
    /// Newest records first (and `offset` counts from the newest).
    pub newest_first: bool,
}

impl Default for HistoryQuery {
    fn default() -> Self {
        HistoryQuery {
            machine: None,
            entity_id: None,
            session: None,
            actor: None,
            since: None,
            until: None,
            offset: 0,
            limit: 1000,
            newest_first: false,
        }
    }
}

impl HistoryQuery {
    /// Every record of one entity, in order.
    ///
    /// ```
    /// let q = stateforge_runtime::db::HistoryQuery::entity("task", "t-1");
    /// assert_eq!(q.entity_id.as_deref(), Some("t-1"));
    /// ```
    pub fn entity(machine: impl Into<String>, entity_id: impl Into<String>) -> Self {
        HistoryQuery {
            machine: Some(machine.into()),
            entity_id: Some(entity_id.into()),
            ..HistoryQuery::default()
        }
    }

    /// Every record of one session.
    ///
    /// ```
    /// let q = stateforge_runtime::db::HistoryQuery::session("s-1");
    /// assert_eq!(q.session.as_deref(), Some("s-1"));
    /// ```
    pub fn session(session: impl Into<String>) -> Self {
        HistoryQuery {
            session: Some(session.into()),
            ..HistoryQuery::default()
        }
    }

    /// Every record of one actor.
    ///
    /// ```
    /// let q = stateforge_runtime::db::HistoryQuery::actor("ada");
    /// assert_eq!(q.actor.as_deref(), Some("ada"));
    /// ```
    pub fn actor(actor: impl Into<String>) -> Self {
        HistoryQuery {
            actor: Some(actor.into()),
            ..HistoryQuery::default()
        }
    }

    /// Records in `[since, until)`.
    ///
    /// ```
    /// use stateforge_runtime::{Timestamp, db::HistoryQuery};
    /// let q = HistoryQuery::between(Timestamp::from_micros(0), Timestamp::from_micros(10));
    /// assert!(q.since.is_some() && q.until.is_some());
    /// ```
    pub fn between(since: Timestamp, until: Timestamp) -> Self {
        HistoryQuery {
            since: Some(since),
            until: Some(until),
            ..HistoryQuery::default()
        }
    }

    /// At most `limit` records.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::HistoryQuery::default().limit(3).limit, 3);
    /// ```
    #[must_use]
    pub fn limit(mut self, limit: u64) -> Self {
        self.limit = limit;
        self
    }

    /// Skip the first `offset` records.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::HistoryQuery::default().offset(3).offset, 3);
    /// ```
    #[must_use]
    pub fn offset(mut self, offset: u64) -> Self {
        self.offset = offset;
        self
    }

    /// Newest records first: with [`limit`](HistoryQuery::limit), the
    /// latest ones.
    ///
    /// ```
    /// let q = stateforge_runtime::db::HistoryQuery::session("s-1").newest_first().limit(100);
    /// assert!(q.newest_first);
    /// ```
    #[must_use]
    pub fn newest_first(mut self) -> Self {
        self.newest_first = true;
        self
    }
}

/// Where a kept definition came from.
///
/// ```
/// use stateforge_runtime::db::DefinitionKind;
/// assert_eq!(DefinitionKind::parse(DefinitionKind::Typed.as_str()), DefinitionKind::Typed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DefinitionKind {
    /// Declared in Rust with `state_machine!`: its transitions build typed
    /// state data that only the application can build.
    Typed,
    /// Loaded as data: any tool with the definition may fire its events.
    Dynamic,
}

impl DefinitionKind {
    /// As stored.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::db::DefinitionKind::Dynamic.as_str(), "dynamic");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            DefinitionKind::Typed => "typed",
            DefinitionKind::Dynamic => "dynamic",
        }
    }

    /// From its stored form; anything unknown counts as typed, the kind
    /// tools must not move.
    ///
    /// ```
    /// use stateforge_runtime::db::DefinitionKind;
    /// assert_eq!(DefinitionKind::parse("whatever"), DefinitionKind::Typed);
    /// ```
    pub fn parse(text: &str) -> DefinitionKind {
        if text == "dynamic" {
            DefinitionKind::Dynamic
        } else {
            DefinitionKind::Typed
        }
    }
}
