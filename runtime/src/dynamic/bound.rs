//! A definition with its guards and actions resolved, laid out for firing.

use std::fmt;
use std::sync::Arc;

use stateforge_core::{Definition, EventId, StateId};

use super::behaviour::{ActionFn, DataFn, GuardFn};
use super::event_names::EventNames;

/// A definition whose guards and actions are all resolved: what
/// [`DynMachine`](crate::DynMachine)s of that definition share.
pub struct Bound<C> {
    /// Shared with every refusal ([`RefusedAt`](crate::RefusedAt)), which
    /// names the state and the event from it.
    pub(crate) definition: Arc<Definition>,
    /// `arms[state * events + event]`: the arm `event` takes out of
    /// `state`, with its guard and action resolved; `None` where no arm
    /// is.
    arms: Box<[Option<Arm<C>>]>,
    /// The number of events: the length of a state's row in `arms`.
    events: usize,
    /// Event names for [`Bound::event_id`].
    event_names: EventNames,
    /// The data migrations the definition's migrations name, by name.
    data_migrations: std::collections::BTreeMap<String, DataFn>,
}

/// An arm as firing needs it: where it leads, and its guard and action.
pub(crate) struct Arm<C> {
    pub(crate) to: Position,
    /// `None` for an arm with neither guard nor action, most arms: firing
    /// one reads nothing more, and the table stays small.
    pub(crate) checks: Option<Box<Checks<C>>>,
}

/// An arm's guard and actions, and the alternative tried when the guard
/// says no.
pub(crate) struct Checks<C> {
    pub(crate) guard: Option<GuardFn<C>>,
    /// The exit actions, the arm's own, the entry actions, in the order
    /// they run ([`Transition::actions`](stateforge_core::Transition::actions));
    /// empty for an arm that runs none.
    pub(crate) actions: Box<[ActionFn<C>]>,
    /// The next of the event's guarded alternatives out of the state, if
    /// this arm is one and not the last: kept here, behind the guard, so
    /// that arms without alternatives are laid out and fired as before.
    pub(crate) otherwise: Option<Box<Arm<C>>>,
}

/// Where a machine is: its state, and the start of that state's row in
/// [`Bound`]'s arms, kept beside it so that firing reads the next arm
/// without a multiply on the way from one state to the next.
// The row first (`repr(C)`): each fire reads the row the previous fire
// stored, and a load at the start of a store is forwarded from it where
// one from its middle may wait for the store to reach the cache.
#[derive(Clone, Copy)]
#[repr(C)]
pub(crate) struct Position {
    row: u32,
    pub(crate) state: StateId,
}

impl Position {
    /// `state` of a definition with `events` events.
    #[inline]
    fn new(state: StateId, events: usize) -> Position {
        // A checked definition has at most MAX_STATES x MAX_EVENTS
        // (state, event) pairs: a row's start fits in a `u32`.
        const _: () =
            assert!(stateforge_core::MAX_STATES * stateforge_core::MAX_EVENTS <= u32::MAX as usize);
        Position {
            state,
            row: (state.index() * events) as u32,
        }
    }
}

impl<C> Bound<C> {
    /// Lays out `definition` with `guards[i]` and `actions[i]` the
    /// resolved guard and actions of transition `i`.
    pub(crate) fn new(
        definition: Definition,
        guards: &[Option<GuardFn<C>>],
        actions: &[Box<[ActionFn<C>]>],
        data_migrations: std::collections::BTreeMap<String, DataFn>,
    ) -> Bound<C> {
        let events = definition.events().len();
        let arm = |i: usize, otherwise: Option<Box<Arm<C>>>| {
            let checks = (guards[i].is_some() || !actions[i].is_empty() || otherwise.is_some())
                .then(|| {
                    Box::new(Checks {
                        guard: guards[i].clone(),
                        actions: actions[i].clone(),
                        otherwise,
                    })
                });
            Arm {
                to: Position::new(definition.transitions()[i].to, events),
                checks,
            }
        };
        let arms = definition
            .states()
            .flat_map(|state| definition.events().map(move |event| (state, event)))
            .map(|(state, event)| {
                let first = definition.transition_index(state, event)?;
                let count = definition.alternatives(state, event).len();
                // Built from the last alternative back, each holding the next.
                let mut next = None;
                for i in (first + 1..first + count).rev() {
                    next = Some(Box::new(arm(i, next)));
                }
                Some(arm(first, next))
            })
            .collect();
        let event_names = EventNames::new(&definition);
        Bound {
            definition: Arc::new(definition),
            arms,
            events,
            event_names,
            data_migrations,
        }
    }

    /// The data migration `name`, as the registry gave it (see
    /// [`Registry::data_migration`](crate::Registry::data_migration)):
    /// what a store runs on a row whose migration names it.
    ///
    /// ```
    /// use serde_json::json;
    /// use stateforge_core::{Definition, MigrationSpec};
    /// let spec = Definition::example().spec().clone()
    ///     .migration(MigrationSpec::data_changed("failed", "reason_as_code"));
    /// let bound = stateforge_runtime::Registry::<serde_json::Value>::new()
    ///     .guard("can_retry", |_, _| true)
    ///     .data_migration("reason_as_code", |_| Ok(json!({"code": 3})))
    ///     .bind(Definition::new(spec).unwrap())
    ///     .unwrap();
    /// let migrate = bound.data_migration("reason_as_code").unwrap();
    /// assert_eq!(migrate(json!({})), Ok(json!({"code": 3})));
    /// assert!(bound.data_migration("other").is_none());
    /// ```
    pub fn data_migration(
        &self,
        name: &str,
    ) -> Option<&(dyn Fn(serde_json::Value) -> Result<serde_json::Value, String> + Send + Sync)>
    {
        self.data_migrations.get(name).map(|f| &**f)
    }

    /// The definition.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<()>::new().guard("can_retry", |_, _| true);
    /// let bound = r.bind(stateforge_core::Definition::example()).unwrap();
    /// assert_eq!(bound.definition().name(), "task");
    /// ```
    pub fn definition(&self) -> &Definition {
        &self.definition
    }

    /// The event called `name`, like [`Definition::event_id`], from a hash
    /// map built at bind time: what firing by name looks up.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<()>::new().guard("can_retry", |_, _| true);
    /// let bound = r.bind(stateforge_core::Definition::example()).unwrap();
    /// assert_eq!(bound.event_id("retry"), bound.definition().event_id("retry"));
    /// assert_eq!(bound.event_id("nope"), None);
    /// ```
    #[inline]
    pub fn event_id(&self, name: &str) -> Option<EventId> {
        self.event_names.find(name)
    }

    /// The position of a machine in `state`.
    #[inline]
    pub(crate) fn position(&self, state: StateId) -> Position {
        Position::new(state, self.events)
    }

    /// The arm `event` takes out of the state at `from`; `None` when
    /// there is none, `event` being one of the definition's events or not.
    #[inline]
    pub(crate) fn arm(&self, from: Position, event: EventId) -> Option<&Arm<C>> {
        // A larger event number would read the next state's row.
        if event.index() >= self.events {
            return None;
        }
        self.arms.get(from.row as usize + event.index())?.as_ref()
    }
}

impl<C> fmt::Debug for Bound<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("machine", &self.definition.name())
            .finish_non_exhaustive()
    }
}
