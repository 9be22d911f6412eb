//! Guards and actions by name, for machines whose definition is data.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use stateforge_core::{Definition, EventId, StateId};

/// An event's arguments, as JSON (`null` when there are none).
pub type Args = serde_json::Value;

type GuardFn<C> = Arc<dyn Fn(&C, &Args) -> bool + Send + Sync>;
type ActionFn<C> = Arc<dyn Fn(&mut C, &Args) -> Result<(), String> + Send + Sync>;

/// Guards and actions a definition may name, filled by the application.
///
/// ```
/// use stateforge_runtime::Registry;
/// let registry = Registry::<serde_json::Value>::new()
///     .guard("has_description", |ctx, _args| ctx["description"].is_string())
///     .action("stamp", |ctx, _args| { ctx["stamped"] = true.into(); Ok(()) });
/// assert_eq!(registry.guard_names(), ["has_description"]);
/// ```
pub struct Registry<C> {
    guards: BTreeMap<String, GuardFn<C>>,
    actions: BTreeMap<String, ActionFn<C>>,
}

impl<C> Default for Registry<C> {
    fn default() -> Self {
        Registry {
            guards: BTreeMap::new(),
            actions: BTreeMap::new(),
        }
    }
}

impl<C> fmt::Debug for Registry<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("guards", &self.guard_names())
            .field("actions", &self.actions.keys().collect::<Vec<_>>())
            .finish()
    }
}

impl<C> Registry<C> {
    /// An empty registry.
    ///
    /// ```
    /// assert!(stateforge_runtime::Registry::<()>::new().guard_names().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds guard `name`: says whether a transition may happen, from the
    /// context and the event's arguments.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<u32>::new().guard("below_three", |n, _| *n < 3);
    /// assert_eq!(r.guard_names(), ["below_three"]);
    /// ```
    #[must_use]
    pub fn guard(
        mut self,
        name: impl Into<String>,
        guard: impl Fn(&C, &Args) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.guards.insert(name.into(), Arc::new(guard));
        self
    }

    /// Adds action `name`: changes the context while the transition
    /// happens; an `Err` refuses the transition, which then has no effect.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<u32>::new().action("count", |n, _| { *n += 1; Ok(()) });
    /// ```
    #[must_use]
    pub fn action(
        mut self,
        name: impl Into<String>,
        action: impl Fn(&mut C, &Args) -> Result<(), String> + Send + Sync + 'static,
    ) -> Self {
        self.actions.insert(name.into(), Arc::new(action));
        self
    }

    /// The guards' names, sorted.
    ///
    /// ```
    /// let r = stateforge_runtime::Registry::<()>::new().guard("b", |_, _| true).guard("a", |_, _| true);
    /// assert_eq!(r.guard_names(), ["a", "b"]);
    /// ```
    pub fn guard_names(&self) -> Vec<&str> {
        self.guards.keys().map(String::as_str).collect()
    }

    /// Resolves every guard and action `definition` names, once: firing
    /// then does no lookup by name. A definition naming something this
    /// registry lacks is refused here, with every missing name, never
    /// discovered when an event fires.
    ///
    /// # Errors
    ///
    /// [`MissingBehaviour`] listing every missing guard and action.
    ///
    /// ```
    /// use stateforge_runtime::Registry;
    /// let def = stateforge_core::Definition::example(); // retry needs guard `can_retry`
    /// let err = Registry::<()>::new().bind(def).unwrap_err();
    /// assert_eq!(err.to_string(), "machine `task` names what the registry lacks: guard `can_retry`");
    /// ```
    pub fn bind(&self, definition: Definition) -> Result<Arc<Bound<C>>, MissingBehaviour> {
        let mut missing = MissingBehaviour {
            machine: definition.name().to_owned(),
            guards: Vec::new(),
            actions: Vec::new(),
        };
        let mut guards = Vec::new();
        let mut actions = Vec::new();
        for t in definition.transitions() {
            guards.push(t.guard.as_deref().and_then(|name| {
                let found = self.guards.get(name).cloned();
                if found.is_none() && !missing.guards.iter().any(|g| g == name) {
                    missing.guards.push(name.to_owned());
                }
                found
            }));
            actions.push(t.action.as_deref().and_then(|name| {
                let found = self.actions.get(name).cloned();
                if found.is_none() && !missing.actions.iter().any(|a| a == name) {
                    missing.actions.push(name.to_owned());
                }
                found
            }));
        }
        if missing.guards.is_empty() && missing.actions.is_empty() {
            let events = definition.events().len();
            let mut slots = Vec::with_capacity(definition.states().len() * events);
            for state in definition.states() {
                for event in definition.events() {
                    slots.push(definition.transition_index(state, event).map(|i| Slot {
                        to: definition.transitions()[i].to,
                        arm: i,
                        guard: guards[i].clone(),
                        action: actions[i].clone(),
                    }));
                }
            }
            let event_names = EventNames::new(&definition);
            Ok(Arc::new(Bound {
                definition,
                slots: slots.into_boxed_slice(),
                events,
                event_names,
            }))
        } else {
            Err(missing)
        }
    }
}

/// A definition whose guards and actions are all resolved: what
/// [`DynMachine`](crate::DynMachine)s of that definition share.
pub struct Bound<C> {
    pub(crate) definition: Definition,
    /// `slots[state * events + event]`: everything firing needs, in one
    /// place, so firing by id is one bounds-checked load.
    slots: Box<[Option<Slot<C>>]>,
    /// The number of events: the row length of `slots`.
    events: usize,
    /// Event names for [`Bound::event_id`].
    event_names: EventNames,
}

/// The arm an event takes out of a state, resolved.
pub(crate) struct Slot<C> {
    /// The state it leads to.
    pub(crate) to: StateId,
    /// Its index in [`Definition::transitions`].
    pub(crate) arm: usize,
    /// Its guard.
    pub(crate) guard: Option<GuardFn<C>>,
    /// Its action.
    pub(crate) action: Option<ActionFn<C>>,
}

impl<C> Bound<C> {
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

    /// The event called `name`, like [`Definition::event_id`] but tuned
    /// for firing by name: one multiply picks the only candidate, then one
    /// comparison of bytes (a binary search over strings, or SipHash,
    /// cost more than the transition itself).
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

    #[inline]
    pub(crate) fn slot(&self, state: StateId, event: EventId) -> Option<&Slot<C>> {
        if event.index() >= self.events {
            return None;
        }
        self.slots
            .get(state.index() * self.events + event.index())?
            .as_ref()
    }
}

impl<C> fmt::Debug for Bound<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Bound")
            .field("machine", &self.definition.name())
            .finish_non_exhaustive()
    }
}

/// Guards and actions a definition names but the registry lacks.
///
/// ```
/// let e = stateforge_runtime::MissingBehaviour {
///     machine: "m".into(), guards: vec!["g".into()], actions: vec!["a".into(), "b".into()],
/// };
/// assert_eq!(e.to_string(), "machine `m` names what the registry lacks: guard `g`, action `a`, action `b`");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct MissingBehaviour {
    /// The machine.
    pub machine: String,
    /// Missing guards.
    pub guards: Vec<String>,
    /// Missing actions.
    pub actions: Vec<String>,
}

impl fmt::Display for MissingBehaviour {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<String> = self
            .guards
            .iter()
            .map(|g| format!("guard `{g}`"))
            .chain(self.actions.iter().map(|a| format!("action `{a}`")))
            .collect();
        write!(
            f,
            "machine `{}` names what the registry lacks: {}",
            self.machine,
            names.join(", ")
        )
    }
}

/// Event names found by a hash chosen at bind time to have no collision
/// among this definition's names (a perfect hash), over length, first and
/// last byte; a plain scan when no such hash turns up.
struct EventNames {
    /// The names, in no particular order.
    names: Box<[(Box<str>, EventId)]>,
    /// The multiplier of the hash, and `table[hash]` the position in
    /// `names` (`u32::MAX`: none); `None` when no multiplier was found.
    hash: Option<(u32, u32, Box<[u32]>)>,
}

impl EventNames {
    fn new(definition: &Definition) -> EventNames {
        let names: Box<[(Box<str>, EventId)]> = definition
            .events()
            .map(|e| (definition.event_name(e).into(), e))
            .collect();
        let keys: Vec<u32> = names.iter().map(|(n, _)| Self::key(n.as_bytes())).collect();
        let min_bits = usize::BITS - names.len().max(1).leading_zeros();
        // Small tables and few tries: this runs once per bind.
        for bits in min_bits + 1..=(min_bits + 4).min(16) {
            for k in 0..256u32 {
                let multiplier = 0x9E37_79B1u32.wrapping_add(k.wrapping_mul(0x6A09_E667)) | 1;
                let mut table = vec![u32::MAX; 1 << bits].into_boxed_slice();
                let fits = keys.iter().enumerate().all(|(i, &key)| {
                    let slot = &mut table[Self::spread(key, multiplier, bits)];
                    let free = *slot == u32::MAX;
                    *slot = i as u32;
                    free
                });
                if fits {
                    return EventNames {
                        names,
                        hash: Some((multiplier, bits, table)),
                    };
                }
            }
        }
        EventNames { names, hash: None }
    }

    #[inline]
    fn key(bytes: &[u8]) -> u32 {
        let first = u32::from(bytes.first().copied().unwrap_or(0));
        let last = u32::from(bytes.last().copied().unwrap_or(0));
        (bytes.len() as u32) | first << 8 | last << 16
    }

    #[inline]
    fn spread(key: u32, multiplier: u32, bits: u32) -> usize {
        (key.wrapping_mul(multiplier) >> (32 - bits)) as usize
    }

    #[inline]
    fn find(&self, name: &str) -> Option<EventId> {
        let bytes = name.as_bytes();
        let Some((multiplier, bits, table)) = &self.hash else {
            return self
                .names
                .iter()
                .find(|(n, _)| n.as_bytes() == bytes)
                .map(|&(_, id)| id);
        };
        let i = *table.get(Self::spread(Self::key(bytes), *multiplier, *bits))?;
        let (candidate, id) = self.names.get(i as usize)?;
        same_bytes(candidate.as_bytes(), bytes).then_some(*id)
    }
}

/// `a == b`, without a call to `bcmp` for the short names events have:
/// two overlapping loads from each end cover any length from 4 to 16.
#[inline]
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word4 = |s: &[u8], at: usize| {
        s.get(at..at + 4)
            .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
    };
    let word8 = |s: &[u8], at: usize| {
        s.get(at..at + 8)
            .and_then(|w| <[u8; 8]>::try_from(w).ok())
            .map(u64::from_le_bytes)
    };
    match n {
        4..=8 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        9..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}
