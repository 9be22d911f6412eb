//! One batch of delivery, the same for the async and the blocking
//! workers: claims messages, hands them to the application's handler one
//! by one, and deletes those it acknowledged, in the transaction that
//! claimed them.

use std::future::Future;

use super::OutboxMessage;
use crate::db::StoreError;
use crate::db::backend::Connection;
use crate::db::ops::Work;

/// Delivers up to `at_most` messages in `work`'s transaction, which the
/// caller commits: how many the handler acknowledged, and whether it
/// failed on one (which ends the batch; that message and its entity's
/// later ones stay for a later batch).
pub(crate) async fn deliver<C, F, Fut, E>(
    work: &mut Work<C>,
    at_most: usize,
    handler: &F,
) -> Result<(usize, bool), StoreError>
where
    C: Connection,
    F: Fn(OutboxMessage) -> Fut,
    Fut: Future<Output = Result<(), E>>,
    E: std::fmt::Display,
{
    let claimed = work.claim_messages(at_most).await?;
    let mut acked = Vec::with_capacity(claimed.len());
    let mut failed = false;
    for c in claimed {
        let key = c.message.key.clone();
        match handler(c.message).await {
            Ok(()) => acked.push(c.id),
            Err(error) => {
                tracing::warn!(key, %error, "outbox handler failed; delivered again later");
                failed = true;
                break;
            }
        }
    }
    work.ack_messages(&acked).await?;
    Ok((acked.len(), failed))
}
