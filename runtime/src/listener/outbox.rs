//! Outbox listeners: messages a transition writes to a store's outbox,
//! composed from the machine it entered, in the transition's own
//! transaction.

use std::sync::Arc;

use super::{Listeners, TransitionInfo};

type Json = serde_json::Value;

/// Composes a message's payload for a transition, or none.
pub(super) type Compose<M> = Arc<dyn Fn(&TransitionInfo<'_>, &M) -> Option<Json> + Send + Sync>;

impl<M> Listeners<M> {
    /// Adds an outbox listener: when a store fires a transition with
    /// these listeners, `compose` is called with the transition and the
    /// machine as it entered its new state, inside the store's
    /// transaction, and a payload it returns becomes a message on `topic`
    /// in the store's outbox, committed with the transition or not at all
    /// (a veto, a refusal or a failed write leaves none). `None` sends
    /// nothing, so one listener can answer only the arms it cares about.
    ///
    /// An `OutboxWorker` (with a store feature) delivers the message at
    /// least once, after the entity's earlier ones: what an
    /// after-listener that tells another service would lose when the
    /// process dies past the commit. The messages of
    /// `TransitionMeta::message` come first, then these, in the order
    /// the listeners were added. Only fires through a store write them: a
    /// machine fired without one ([`Listeners::fire`]) has no outbox. A
    /// fire with an outbox listener runs in a transaction of its own
    /// (PostgreSQL's lock-free fire writes its transition in one
    /// statement, which has no room for the messages).
    ///
    /// ```
    /// # #[cfg(feature = "sqlite")] {
    /// use stateforge_runtime::{Listeners, db::{OutboxMessage, TransitionMeta, blocking::{OutboxWorker, Store}}};
    /// stateforge::state_machine! {
    ///     #[derive(Debug)]
    ///     machine Order {
    ///         context: u32; // the total, in cents
    ///         initial state Open;
    ///         state Paid;
    ///         final state Shipped;
    ///         event pay: Open -> Paid;
    ///         event ship: Paid -> Shipped;
    ///     }
    /// }
    /// let mut listeners = Listeners::<AnyOrder>::new();
    /// listeners.outbox("invoice", |t, order| {
    ///     (t.event == "pay").then(|| serde_json::json!({ "total": order.context() }))
    /// });
    /// let store = Store::open(":memory:")?;
    /// let meta = TransitionMeta::new();
    /// store.create("o-1", &AnyOrder::from(Order::new(1250)), &meta)?;
    /// store.fire_with(&listeners, "o-1", OrderEvent::Pay, &meta)?;
    /// store.fire_with(&listeners, "o-1", OrderEvent::Ship, &meta)?; // `None`: no message
    /// let mut sent = Vec::new();
    /// OutboxWorker::new().deliver_once(&store, |m: OutboxMessage| {
    ///     sent.push((m.topic, m.payload["total"].as_u64()));
    ///     Ok::<(), String>(())
    /// })?;
    /// assert_eq!(sent, [("invoice".to_owned(), Some(1250))]);
    /// # }
    /// # Ok::<(), stateforge_runtime::db::StoreError>(())
    /// ```
    pub fn outbox(
        &mut self,
        topic: impl Into<String>,
        compose: impl Fn(&TransitionInfo<'_>, &M) -> Option<Json> + Send + Sync + 'static,
    ) -> &mut Self {
        self.outbox.push((topic.into(), Arc::new(compose)));
        self
    }

    /// Whether any outbox listener is registered.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn has_outbox(&self) -> bool {
        !self.outbox.is_empty()
    }

    /// The messages the outbox listeners compose for a transition that
    /// entered `entered`, as (topic, payload), in the order the listeners
    /// were added.
    #[cfg_attr(not(any(feature = "sqlite", feature = "postgres")), allow(dead_code))]
    pub(crate) fn messages(&self, info: &TransitionInfo<'_>, entered: &M) -> Vec<(String, Json)> {
        self.outbox
            .iter()
            .filter_map(|(topic, compose)| Some((topic.clone(), compose(info, entered)?)))
            .collect()
    }
}
