//! The backend a [`Store`](crate::db::Store) was opened on, chosen at run
//! time: the primitives forward to SQLite's or PostgreSQL's.

use crate::db::contention::Contention;
use stateforge_core::Definition;

use crate::db::backend::{
    Backend, Claimed, Connection, DueEntry, DueOutcome, KeyedRow, NewEntity, Scope, Write,
};
use crate::db::due::DueCursor;
use crate::db::idempotency::KeptOutcome;
use crate::db::outbox::message::ClaimedMessage;
#[cfg(feature = "postgres")]
use crate::db::postgres::{PgBackend, PgConnection};
use crate::db::shared::Keep;
#[cfg(feature = "sqlite")]
use crate::db::sqlite::{SqliteBackend, SqliteConnection};
use crate::db::{DefinitionKind, EntityQuery, EntityRow, HistoryQuery, StoreError, StoredRow};
use crate::history::HistoryRecord;
use crate::time::Timestamp;

/// One of the backends.
pub(crate) enum AnyBackend {
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteBackend),
    #[cfg(feature = "postgres")]
    Postgres(PgBackend),
}

/// A connection of one of the backends.
pub(crate) enum AnyConnection {
    #[cfg(feature = "sqlite")]
    Sqlite(SqliteConnection<'static>),
    #[cfg(feature = "postgres")]
    Postgres(PgConnection<'static>),
}

macro_rules! each {
    ($self:expr, $c:ident => $body:expr) => {
        match $self {
            #[cfg(feature = "sqlite")]
            AnyConnection::Sqlite($c) => $body,
            #[cfg(feature = "postgres")]
            AnyConnection::Postgres($c) => $body,
        }
    };
}

impl AnyBackend {
    /// Keeps `table`'s machine in the application's table.
    pub(crate) async fn map_table(
        &self,
        table: crate::db::table_mapping::MappedTable,
    ) -> Result<(), StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(b) => b.map_table(table).await,
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(b) => b.map_table(table).await,
        }
    }
}

impl Backend for AnyBackend {
    type Connection = AnyConnection;

    async fn begin(&self, scope: Scope) -> Result<AnyConnection, StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(b) => Ok(AnyConnection::Sqlite(b.begin(scope).await?)),
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(b) => Ok(AnyConnection::Postgres(b.begin(scope).await?)),
        }
    }

    async fn drop_tables(&self) -> Result<(), StoreError> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(b) => b.drop_tables().await,
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(b) => b.drop_tables().await,
        }
    }

    fn name(&self) -> &'static str {
        match self {
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(b) => b.name(),
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(b) => b.name(),
        }
    }

    fn contention(&self) -> Option<&Contention> {
        match self {
            #[cfg(feature = "sqlite")]
            AnyBackend::Sqlite(b) => b.contention(),
            #[cfg(feature = "postgres")]
            AnyBackend::Postgres(b) => b.contention(),
        }
    }
}

impl Connection for AnyConnection {
    async fn row(
        &mut self,
        machine: &str,
        entity_id: &str,
        lock: bool,
    ) -> Result<Option<Result<StoredRow, StoreError>>, StoreError> {
        each!(self, c => c.row(machine, entity_id, lock).await)
    }

    async fn insert_entity(&mut self, entity: &NewEntity<'_>) -> Result<bool, StoreError> {
        each!(self, c => c.insert_entity(entity).await)
    }

    fn checks_sources(&self) -> bool {
        each!(self, c => c.checks_sources())
    }

    async fn write(&mut self, write: &Write<'_>) -> Result<Option<u64>, StoreError> {
        each!(self, c => c.write(write).await)
    }

    async fn insert_history(&mut self, record: &HistoryRecord) -> Result<(), StoreError> {
        each!(self, c => c.insert_history(record).await)
    }

    async fn reset_timers(
        &mut self,
        machine: &str,
        entity_id: &str,
        state: &str,
        timers: &[(&str, i64)],
    ) -> Result<(), StoreError> {
        each!(self, c => c.reset_timers(machine, entity_id, state, timers).await)
    }

    async fn keep_definition(
        &mut self,
        def: &Definition,
        kind: DefinitionKind,
        now: Timestamp,
        keep: Keep,
    ) -> Result<(), StoreError> {
        each!(self, c => c.keep_definition(def, kind, now, keep).await)
    }

    async fn kept_definition(
        &mut self,
        machine: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        each!(self, c => c.kept_definition(machine).await)
    }

    async fn definition_under(
        &mut self,
        machine: &str,
        fingerprint: &str,
    ) -> Result<Option<(String, String)>, StoreError> {
        each!(self, c => c.definition_under(machine, fingerprint).await)
    }

    async fn machines(&mut self) -> Result<Vec<String>, StoreError> {
        each!(self, c => c.machines().await)
    }

    async fn history(&mut self, query: &HistoryQuery) -> Result<Vec<HistoryRecord>, StoreError> {
        each!(self, c => c.history(query).await)
    }

    async fn entities(
        &mut self,
        machine: &str,
        state: Option<&str>,
    ) -> Result<Vec<Result<EntityRow, StoreError>>, StoreError> {
        each!(self, c => c.entities(machine, state).await)
    }

    async fn entity_page(&mut self, query: &EntityQuery) -> Result<Vec<KeyedRow>, StoreError> {
        each!(self, c => c.entity_page(query).await)
    }

    async fn lock_entities(
        &mut self,
        machine: &str,
        entity_ids: &[&str],
    ) -> Result<Option<String>, StoreError> {
        each!(self, c => c.lock_entities(machine, entity_ids).await)
    }

    async fn claim_due(
        &mut self,
        machine: &str,
        now: Timestamp,
        after: DueCursor,
        at_most: usize,
    ) -> Result<Vec<Claimed>, StoreError> {
        each!(self, c => c.claim_due(machine, now, after, at_most).await)
    }

    async fn delete_timer(&mut self, id: i64) -> Result<bool, StoreError> {
        each!(self, c => c.delete_timer(id).await)
    }

    async fn fire_due_page(
        &mut self,
        machine: &str,
        due: &[DueEntry<'_>],
    ) -> Result<Vec<DueOutcome>, StoreError> {
        each!(self, c => c.fire_due_page(machine, due).await)
    }

    async fn next_due(
        &mut self,
        machine: &str,
        after: Timestamp,
    ) -> Result<Option<i64>, StoreError> {
        each!(self, c => c.next_due(machine, after).await)
    }

    async fn find_outcome(
        &mut self,
        key: &str,
        now: Timestamp,
    ) -> Result<Option<KeptOutcome>, StoreError> {
        each!(self, c => c.find_outcome(key, now).await)
    }

    async fn keep_outcome(&mut self, outcome: &KeptOutcome) -> Result<bool, StoreError> {
        each!(self, c => c.keep_outcome(outcome).await)
    }

    async fn expire_outcomes(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        each!(self, c => c.expire_outcomes(now).await)
    }

    async fn insert_messages(
        &mut self,
        machine: &str,
        entity_id: &str,
        messages: &[(String, serde_json::Value)],
        now: Timestamp,
    ) -> Result<(), StoreError> {
        each!(self, c => c.insert_messages(machine, entity_id, messages, now).await)
    }

    async fn claim_messages(&mut self, at_most: usize) -> Result<Vec<ClaimedMessage>, StoreError> {
        each!(self, c => c.claim_messages(at_most).await)
    }

    async fn delete_messages(&mut self, ids: &[i64]) -> Result<u64, StoreError> {
        each!(self, c => c.delete_messages(ids).await)
    }

    async fn commit(self) -> Result<(), StoreError> {
        each!(self, c => c.commit().await)
    }
}
