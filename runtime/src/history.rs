//! What happened to an entity: one record per transition.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

/// A point in time, in microseconds since the Unix epoch (UTC).
///
/// Microseconds keep the order of transitions made in quick succession and
/// fit a 64-bit integer column in both stores for the next 290,000 years.
///
/// ```
/// use stateforge_runtime::Timestamp;
/// let t = Timestamp::from_micros(1_700_000_000_123_456);
/// assert_eq!(t.to_string(), "2023-11-14T22:13:20.123456Z");
/// assert!(Timestamp::now() > t);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Timestamp(i64);

impl Timestamp {
    /// The current time.
    ///
    /// ```
    /// assert!(stateforge_runtime::Timestamp::now().as_micros() > 0);
    /// ```
    pub fn now() -> Timestamp {
        Timestamp::from(SystemTime::now())
    }

    /// From microseconds since the Unix epoch.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::Timestamp::from_micros(5).as_micros(), 5);
    /// ```
    pub const fn from_micros(micros: i64) -> Timestamp {
        Timestamp(micros)
    }

    /// Microseconds since the Unix epoch.
    ///
    /// ```
    /// assert_eq!(stateforge_runtime::Timestamp::from_micros(-1).as_micros(), -1);
    /// ```
    pub const fn as_micros(self) -> i64 {
        self.0
    }

    /// This time plus `d` (saturating).
    ///
    /// ```
    /// use std::time::Duration;
    /// let t = stateforge_runtime::Timestamp::from_micros(0) + Duration::from_millis(2);
    /// assert_eq!(t.as_micros(), 2_000);
    /// ```
    pub fn saturating_add(self, d: Duration) -> Timestamp {
        let micros = i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        Timestamp(self.0.saturating_add(micros))
    }
}

impl std::ops::Add<Duration> for Timestamp {
    type Output = Timestamp;
    fn add(self, d: Duration) -> Timestamp {
        self.saturating_add(d)
    }
}

impl From<SystemTime> for Timestamp {
    fn from(t: SystemTime) -> Timestamp {
        match t.duration_since(UNIX_EPOCH) {
            Ok(d) => Timestamp(i64::try_from(d.as_micros()).unwrap_or(i64::MAX)),
            Err(e) => Timestamp(-i64::try_from(e.duration().as_micros()).unwrap_or(i64::MAX)),
        }
    }
}

impl fmt::Display for Timestamp {
    /// RFC 3339 in UTC with microseconds: `2023-11-14T22:13:20.123456Z`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.div_euclid(1_000_000);
        let micros = self.0.rem_euclid(1_000_000);
        let days = secs.div_euclid(86_400);
        let rem = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        write!(
            f,
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{micros:06}Z",
            rem / 3600,
            rem % 3600 / 60,
            rem % 60
        )
    }
}

/// Days since 1970-01-01 to (year, month, day), after Howard Hinnant's
/// `civil_from_days`: exact for every `i64` day count we can produce.
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// One transition of one entity, as kept in a history.
///
/// The first record of an entity has no `from` and no `event`: it records
/// the entity's creation in its initial state, at version 1. Each later
/// record's `from` is the previous record's `to`, and its `version` the
/// previous one plus one.
///
/// ```
/// use stateforge_runtime::{HistoryRecord, Timestamp};
/// let created = HistoryRecord::created("task", "t-1", "pending", Timestamp::now());
/// assert_eq!(created.version, 1);
/// assert!(created.from.is_none());
/// let next = created.next("assign", "assigned", Timestamp::now());
/// assert_eq!((next.from.as_deref(), next.version), (Some("pending"), 2));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HistoryRecord {
    /// The machine's name (`task`).
    pub machine: String,
    /// The entity's id, unique within its machine.
    pub entity_id: String,
    /// The state left; `None` for the record of the entity's creation.
    pub from: Option<String>,
    /// The state entered.
    pub to: String,
    /// The event fired; `None` for the creation record.
    pub event: Option<String>,
    /// Why, in the words of whoever fired it.
    pub reason: Option<String>,
    /// Who fired it (a user, a worker, `timer`).
    pub actor: Option<String>,
    /// The session the entity belongs to, if any.
    pub session: Option<String>,
    /// When it was applied.
    pub at: Timestamp,
    /// Free-form JSON (`null` when none was given).
    pub metadata: serde_json::Value,
    /// The entity's version after this transition: 1 for the creation record.
    pub version: u64,
}

impl HistoryRecord {
    /// The record of an entity created in `state`, at version 1.
    ///
    /// ```
    /// # use stateforge_runtime::{HistoryRecord, Timestamp};
    /// let r = HistoryRecord::created("task", "t-1", "pending", Timestamp::from_micros(0));
    /// assert_eq!(r.to, "pending");
    /// ```
    pub fn created(
        machine: impl Into<String>,
        entity_id: impl Into<String>,
        state: impl Into<String>,
        at: Timestamp,
    ) -> HistoryRecord {
        HistoryRecord {
            machine: machine.into(),
            entity_id: entity_id.into(),
            from: None,
            to: state.into(),
            event: None,
            reason: None,
            actor: None,
            session: None,
            at,
            metadata: serde_json::Value::Null,
            version: 1,
        }
    }

    /// The record that follows this one: `event` moved the entity to `to`.
    /// Reason, actor and metadata start empty; the session carries over.
    ///
    /// ```
    /// # use stateforge_runtime::{HistoryRecord, Timestamp};
    /// let r = HistoryRecord::created("task", "t-1", "pending", Timestamp::from_micros(0))
    ///     .next("assign", "assigned", Timestamp::from_micros(1));
    /// assert_eq!(r.event.as_deref(), Some("assign"));
    /// ```
    #[must_use]
    pub fn next(
        &self,
        event: impl Into<String>,
        to: impl Into<String>,
        at: Timestamp,
    ) -> HistoryRecord {
        HistoryRecord {
            machine: self.machine.clone(),
            entity_id: self.entity_id.clone(),
            from: Some(self.to.clone()),
            to: to.into(),
            event: Some(event.into()),
            reason: None,
            actor: None,
            session: self.session.clone(),
            at,
            metadata: serde_json::Value::Null,
            version: self.version + 1,
        }
    }
}
