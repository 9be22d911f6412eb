//! A fire's idempotency key, inside its work: the outcome kept under it
//! is looked up once the entity's row is read (and, in a unit, locked),
//! and a new outcome is kept in the transition's transaction.

use super::Work;
use crate::db::backend::Connection;
use crate::db::idempotency::KeptOutcome;
use crate::db::{StoreError, TransitionMeta};
use crate::time::Timestamp;

impl<C: Connection> Work<C> {
    /// The outcome kept under `meta`'s key, if it has one and it is live;
    /// the key of another request is an error.
    pub(crate) async fn kept_outcome(
        &mut self,
        meta: &TransitionMeta,
        machine: &str,
        entity_id: &str,
        event: &str,
    ) -> Result<Option<KeptOutcome>, StoreError> {
        let Some(key) = meta.idempotency_key.as_deref() else {
            return Ok(None);
        };
        let Some(kept) = self.conn.find_outcome(key, Timestamp::now()).await? else {
            return Ok(None);
        };
        kept.check_same(machine, entity_id, event)?;
        Ok(Some(kept))
    }

    /// Removes the outcomes expired by `now`.
    pub(crate) async fn expire_outcomes(&mut self, now: Timestamp) -> Result<u64, StoreError> {
        self.conn.expire_outcomes(now).await
    }

    /// Keeps the outcome of the transition just written; after the
    /// write, so any failure keeps the work from committing.
    pub(crate) async fn keep_outcome(
        &mut self,
        outcome: Option<KeptOutcome>,
    ) -> Result<(), StoreError> {
        let Some(outcome) = outcome else {
            return Ok(());
        };
        match self.conn.keep_outcome(&outcome).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(self.broke(outcome.reused())),
            Err(e) => Err(self.broke(e)),
        }
    }
}
