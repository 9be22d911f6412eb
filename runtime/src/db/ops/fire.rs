//! A fire outside a unit of work, as the async and the blocking stores
//! both run it: in one transaction holding the row's lock, or, where the
//! backend reads optimistically, racing other writers without a lock.

use serde::Serialize;
use serde::de::DeserializeOwned;
use stateforge_core::Machine;

use super::Work;
use crate::Listeners;
use std::future::Future;

use crate::db::backend::{Backend, Connection, Scope};
use crate::db::{Fired, StoreError, TransitionMeta};

/// Past this many lost races, waiting for the row's lock costs less than
/// racing again.
const OPTIMISTIC_ATTEMPTS: usize = 3;

/// Fires `event` on `entity_id` with connections from `begin`.
///
/// With `optimistic` (a backend where a transaction costs round trips to
/// a server), the read locks nothing and the write checks the version
/// read: on a conflict (another transition of the entity came between
/// the two), the entity is read again and the event fired again from
/// where the other left it, guards and before-listeners included. The
/// event is kept as JSON for that, since firing consumes it. An entity so
/// busy that the fire keeps losing is fired once more with its row
/// locked, waiting its turn: the fire always ends.
///
/// A fire with an idempotency key reads the key with the row locked, so
/// that two requests with one key take turns; one with messages needs a
/// transaction around the transition's statement and theirs: both take
/// the lock whatever `optimistic` says.
pub(crate) async fn fire<B, M>(
    connections: &B,
    optimistic: bool,
    listeners: &Listeners<M>,
    entity_id: &str,
    event: M::Event,
    meta: &TransitionMeta,
) -> Result<Fired<M>, StoreError>
where
    B: Connections,
    M: Machine + Serialize + DeserializeOwned,
    M::Event: Serialize + DeserializeOwned,
{
    let optimistic = optimistic
        && meta.idempotency_key.is_none()
        && meta.messages.is_empty()
        && !listeners.has_outbox();
    if !optimistic {
        return once(connections, Scope::Unit, listeners, entity_id, event, meta).await;
    }
    let kept = serde_json::to_value(&event)?;
    let mut event = Some(event);
    for _ in 0..OPTIMISTIC_ATTEMPTS {
        let this = match event.take() {
            Some(event) => event,
            None => serde_json::from_value(kept.clone())?,
        };
        match once(connections, Scope::Single, listeners, entity_id, this, meta).await {
            Err(StoreError::Conflict { .. }) => {}
            outcome => return outcome,
        }
    }
    let event = serde_json::from_value(kept)?;
    once(connections, Scope::Unit, listeners, entity_id, event, meta).await
}

/// One attempt: the fire in a connection of its own, committed.
async fn once<B, M>(
    connections: &B,
    scope: Scope,
    listeners: &Listeners<M>,
    entity_id: &str,
    event: M::Event,
    meta: &TransitionMeta,
) -> Result<Fired<M>, StoreError>
where
    B: Connections,
    M: Machine + Serialize + DeserializeOwned,
{
    let mut work = Work::new(connections.begin(scope).await?);
    let fired = work.fire_with(listeners, entity_id, event, meta).await?;
    work.commit().await?;
    Ok(fired)
}

/// Where a fire takes its connections: a backend, or what the blocking
/// store's task holds of one.
pub(crate) trait Connections: Send + Sync {
    /// The connection a fire works on.
    type Conn: Connection;

    /// A connection for `scope`.
    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send;
}

impl<B: Backend> Connections for B {
    type Conn = B::Connection;

    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send {
        Backend::begin(self, scope)
    }
}

impl<B: Backend> Connections for std::sync::Arc<B> {
    type Conn = B::Connection;

    fn begin(&self, scope: Scope) -> impl Future<Output = Result<Self::Conn, StoreError>> + Send {
        Backend::begin(&**self, scope)
    }
}
