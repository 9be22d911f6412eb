//! The outbox inside a work: messages written with a transition (after
//! it, so any failure keeps the work from committing), claimed for
//! delivery, and deleted once acknowledged.

use super::Work;
use crate::db::backend::Connection;
use crate::db::outbox::message::ClaimedMessage;
use crate::db::{StoreError, TransitionMeta};
use crate::time::Timestamp;

type Json = serde_json::Value;

impl<C: Connection> Work<C> {
    /// Writes `messages` for `entity_id` of `machine`.
    pub(crate) async fn send_messages(
        &mut self,
        machine: &str,
        entity_id: &str,
        messages: &[(String, Json)],
    ) -> Result<(), StoreError> {
        if messages.is_empty() {
            return Ok(());
        }
        let now = Timestamp::now();
        match self
            .conn
            .insert_messages(machine, entity_id, messages, now)
            .await
        {
            Ok(()) => Ok(()),
            Err(e) => Err(self.broke(e)),
        }
    }

    /// Writes the messages `meta` carries, with the transition just
    /// written.
    pub(crate) async fn send_meta_messages(
        &mut self,
        machine: &str,
        entity_id: &str,
        meta: &TransitionMeta,
    ) -> Result<(), StoreError> {
        self.send_messages(machine, entity_id, &meta.messages).await
    }

    /// Up to `at_most` messages, each the oldest left of its entity, held
    /// until the work ends.
    pub(crate) async fn claim_messages(
        &mut self,
        at_most: usize,
    ) -> Result<Vec<ClaimedMessage>, StoreError> {
        self.conn.claim_messages(at_most).await
    }

    /// Deletes the acknowledged messages.
    pub(crate) async fn ack_messages(&mut self, ids: &[i64]) -> Result<u64, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        self.conn.delete_messages(ids).await
    }
}
