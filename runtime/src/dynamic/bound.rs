//! A definition with its guards and actions resolved, laid out for firing.

use std::fmt;
use std::sync::Arc;

use stateforge_core::{Definition, EventId, StateId};

use super::behaviour::{ActionFn, GuardFn};
use super::event_names::EventNames;

/// A definition whose guards and actions are all resolved: what
/// [`DynMachine`](crate::DynMachine)s of that definition share.
pub struct Bound<C> {
    /// Shared with every refusal ([`RefusedAt`](crate::RefusedAt)), which
    /// names the state and the event from it.
    pub(crate) definition: Arc<Definition>,
    /// `slots[row + event]`, where a state's row is `state * events`: the
    /// arm `event` takes out of `state`, in 8 bytes, so that firing by id
    /// is one add, one load and one store from the current row to the
    /// next.
    slots: Box<[Slot]>,
    /// The guard and action of each slot, at the slot's index, kept apart
    /// to keep slots small; neither for a plain arm or no arm, so that a
    /// slot marked [`Slot::CHECKED`] without either is no arm.
    checks: Box<[Checks<C>]>,
    /// The number of events: the row length of `slots`.
    events: usize,
    /// Event names for [`Bound::event_id`].
    event_names: EventNames,
}

/// Where a machine is: its state and that state's row in [`Bound`]'s
/// slots, in one word, so that a transition is one store.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Position(u64);

impl Position {
    /// `state`, whose row is `row`.
    #[inline]
    pub(crate) fn new(state: StateId, row: u32) -> Position {
        Position(u64::from(state.index() as u32) << 32 | u64::from(row))
    }

    /// The state.
    #[inline]
    pub(crate) fn state(self) -> StateId {
        StateId::__from_index((self.0 >> 32) as u32)
    }

    /// The state's row: its index times the number of events.
    #[inline]
    pub(crate) fn row(self) -> u32 {
        self.0 as u32
    }
}

/// The arm an event takes out of a state: the [`Position`] it leads to,
/// with [`Slot::CHECKED`] set when the arm has a guard or an action;
/// [`Slot::NONE`] when there is no arm.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot(u64);

impl Slot {
    /// Set when the arm has a guard or an action (the top bit of the
    /// state's index, which is below 2³¹).
    const CHECKED: u64 = 1 << 63;
    /// No arm.
    pub(crate) const NONE: Slot = Slot(u64::MAX);

    /// An arm without guard or action: firing it is storing its position.
    #[inline]
    pub(crate) fn is_plain(self) -> bool {
        self.0 & Slot::CHECKED == 0
    }

    /// Whether there is an arm.
    #[inline]
    pub(crate) fn is_arm(self) -> bool {
        self != Slot::NONE
    }

    /// Where the arm leads.
    #[inline]
    pub(crate) fn to(self) -> Position {
        Position(self.0 & !Slot::CHECKED)
    }
}

/// An arm's guard and action.
pub(crate) struct Checks<C> {
    pub(crate) guard: Option<GuardFn<C>>,
    pub(crate) action: Option<ActionFn<C>>,
}

impl<C> Checks<C> {
    const NONE: Checks<C> = Checks {
        guard: None,
        action: None,
    };
}

impl<C> Bound<C> {
    /// Lays out `definition` with `guards[i]` and `actions[i]` the
    /// resolved guard and action of transition `i`.
    pub(crate) fn new(
        definition: Definition,
        guards: &[Option<GuardFn<C>>],
        actions: &[Option<ActionFn<C>>],
    ) -> Bound<C> {
        let events = definition.events().len();
        let len = definition.states().len() * events;
        // A checked definition holds at most MAX_STATES x MAX_EVENTS
        // (2^20) pairs: a row index fits in 31 bits, below the slot's flag.
        const _: () =
            assert!(stateforge_core::MAX_STATES * stateforge_core::MAX_EVENTS < (1 << 31));
        let mut slots = Vec::with_capacity(len);
        let mut checks = Vec::with_capacity(len);
        for state in definition.states() {
            for event in definition.events() {
                let Some(i) = definition.transition_index(state, event) else {
                    slots.push(Slot::NONE);
                    checks.push(Checks::NONE);
                    continue;
                };
                let to = definition.transitions()[i].to;
                let plain = guards[i].is_none() && actions[i].is_none();
                let position = Position::new(to, to.index() as u32 * events as u32);
                slots.push(Slot(if plain {
                    position.0
                } else {
                    position.0 | Slot::CHECKED
                }));
                checks.push(Checks {
                    guard: guards[i].clone(),
                    action: actions[i].clone(),
                });
            }
        }
        let event_names = EventNames::new(&definition);
        Bound {
            definition: Arc::new(definition),
            slots: slots.into_boxed_slice(),
            checks: checks.into_boxed_slice(),
            events,
            event_names,
        }
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
        // Below 2³¹: checked by `new`.
        Position::new(state, (state.index() * self.events) as u32)
    }

    /// The arm `event` takes out of the state whose row is `row`
    /// ([`Slot::NONE`] when none does), and its index; `None` when `event`
    /// is out of range.
    #[inline]
    pub(crate) fn slot(&self, row: u32, event: EventId) -> Option<(usize, Slot)> {
        let at = row as usize + event.index();
        let slot = *self.slots.get(at)?;
        (event.index() < self.events).then_some((at, slot))
    }

    /// [`slot`](Self::slot) of an event known to be in range (found by
    /// name), without checking it again.
    #[inline]
    pub(crate) fn slot_of_known(&self, row: u32, event: EventId) -> (usize, Slot) {
        let at = row as usize + event.index();
        (at, self.slots.get(at).copied().unwrap_or(Slot::NONE))
    }

    /// The guard and action of the slot at `at`.
    #[inline]
    pub(crate) fn checks(&self, at: usize) -> Option<&Checks<C>> {
        self.checks.get(at)
    }
}

impl<C> fmt::Debug for Bound<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("machine", &self.definition.name())
            .finish_non_exhaustive()
    }
}
