//! A checked machine, with names resolved to dense ids.

use std::time::Duration;

use crate::configuration::{Configurations, SpecArm};
use crate::fingerprint::Fingerprint;
use crate::flatten::Flat;
pub use crate::invalid_definition::InvalidDefinition;
use crate::spec::MachineSpec;
use crate::transition::Transition;
use crate::validate::check;

/// A state's position in its [`Definition`]: `0..definition.states().len()`.
///
/// ```
/// # let def = stateforge_core::Definition::example();
/// let id = def.state_id("pending").unwrap();
/// assert_eq!(def.state_name(id), "pending");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct StateId(u32);

/// An event's position in its [`Definition`]: `0..definition.events().len()`.
///
/// ```
/// # let def = stateforge_core::Definition::example();
/// let id = def.event_id("assign").unwrap();
/// assert_eq!(def.event_name(id), "assign");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct EventId(u32);

impl StateId {
    /// The id of the state declared `index`-th. For generated code, which
    /// declares states in definition order; any other use risks a panic
    /// in [`Definition::state_name`].
    #[doc(hidden)]
    pub const fn __from_index(index: u32) -> StateId {
        StateId(index)
    }

    /// The index of the state in [`Definition::states`].
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.initial().index(), 0);
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

impl EventId {
    /// The id of the event declared `index`-th (for generated code).
    #[doc(hidden)]
    pub const fn __from_index(index: u32) -> EventId {
        EventId(index)
    }

    /// The index of the event in [`Definition::events`].
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.event_id("assign").unwrap().index(), 0);
    /// ```
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A resolved timer: `event` fires `after` entering `state`.
///
/// ```
/// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec, TimerSpec};
/// let def = Definition::new(
///     MachineSpec::new("breaker")
///         .state(StateSpec::initial("open"))
///         .state(StateSpec::new("half_open"))
///         .event(EventSpec::new("reset").arm(ArmSpec::new(["open"], "half_open")))
///         .event(EventSpec::new("trip").arm(ArmSpec::new(["half_open"], "open")))
///         .timer(TimerSpec::new("open", "reset", 30_000)),
/// ).unwrap();
/// let open = def.state_id("open").unwrap();
/// assert_eq!(def.timers_of(open).next().unwrap().after.as_secs(), 30);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timer {
    /// The state whose entry starts the timer: in a machine with compound
    /// or parallel states, each configuration where the declaring state
    /// is active has the timer.
    pub state: StateId,
    /// The state that declares the timer, by index in `spec().states`:
    /// `state` itself in a flat machine. The timer runs while that state
    /// stays active (see [`Definition::keeps_timer`]).
    pub declared_by: usize,
    /// The event fired when it is due.
    pub event: EventId,
    /// How long after entering the state.
    pub after: Duration,
}

/// A checked machine: its states, events and arms with names resolved to
/// dense ids, so that firing an event is one table lookup.
///
/// A `Definition` only exists once every check of [`validate`](crate::validate)
/// has passed, whether it came from the `state_machine!` macro, from
/// [`Definition::new`], or from JSON.
///
/// ```
/// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
///
/// let door = Definition::new(
///     MachineSpec::new("door")
///         .state(StateSpec::initial("closed"))
///         .state(StateSpec::new("open"))
///         .event(EventSpec::new("open").arm(ArmSpec::new(["closed"], "open")))
///         .event(EventSpec::new("close").arm(ArmSpec::new(["open"], "closed"))),
/// )?;
/// let closed = door.initial();
/// let open = door.event_id("open").unwrap();
/// assert_eq!(door.state_name(door.transition(closed, open).unwrap().to), "open");
/// # Ok::<(), stateforge_core::InvalidDefinition>(())
/// ```
#[derive(Debug, Clone)]
pub struct Definition {
    spec: MachineSpec,
    initial: StateId,
    transitions: Vec<Transition>,
    /// `table[state * events + event]`: index into `transitions`, or `NONE`.
    table: Box<[u32]>,
    state_index: Vec<(Box<str>, StateId)>,
    event_index: Vec<(Box<str>, EventId)>,
    timers: Vec<Timer>,
    fingerprint: Fingerprint,
    /// What each state stands for in the spec: itself in a flat machine,
    /// a configuration of active states in a hierarchical one.
    pub(crate) configurations: Configurations,
}

const NONE: u32 = u32::MAX;

impl PartialEq for Definition {
    fn eq(&self, other: &Self) -> bool {
        self.spec == other.spec
    }
}

impl Eq for Definition {}

impl Definition {
    /// Checks `spec` and resolves its names; every problem is listed on failure.
    ///
    /// ```
    /// use stateforge_core::{Definition, MachineSpec, StateSpec};
    /// let err = Definition::new(
    ///     MachineSpec::new("m").state(StateSpec::initial("a")).state(StateSpec::initial("b")),
    /// )
    /// .unwrap_err();
    /// assert!(err.to_string().contains("`a` is initial already"));
    /// ```
    pub fn new(spec: MachineSpec) -> Result<Definition, InvalidDefinition> {
        match check(&spec) {
            Ok(None) => Ok(Definition::resolve(spec)),
            Ok(Some(flat)) => Ok(Definition::from_flat(spec, flat)),
            Err(problems) => Err(InvalidDefinition {
                machine: spec.name,
                problems,
            }),
        }
    }

    /// Builds a hierarchical spec's definition from its flattening: the
    /// configurations are the states.
    fn from_flat(spec: MachineSpec, flat: Flat) -> Definition {
        let state_index = name_index(flat.configurations.iter().map(|c| c.name.as_str()), StateId);
        let event_index = name_index(spec.events.iter().map(|e| e.name.as_str()), EventId);
        let events = spec.events.len();
        let mut table = vec![NONE; flat.configurations.len() * events].into_boxed_slice();
        let mut transitions = Vec::with_capacity(flat.arms.len());
        let mut origins = Vec::with_capacity(flat.arms.len());
        let mut left = Vec::with_capacity(flat.arms.len());
        for arm in flat.arms {
            let slot = arm.from * events + arm.event;
            // The flattening emits the alternatives of a pair side by
            // side: the table points at the first.
            if table[slot] == NONE {
                table[slot] = index_u32(transitions.len());
            }
            transitions.push(Transition {
                from: StateId(index_u32(arm.from)),
                event: EventId(index_u32(arm.event)),
                to: StateId(index_u32(arm.to)),
                guard: arm.guard.map(Into::into),
                action: arm.action.map(Into::into),
                exits: state_actions(&arm.exits, |s| &spec.states[s].exit),
                entries: state_actions(&arm.entries, |s| &spec.states[s].entry),
            });
            origins.push(arm.origins.into_boxed_slice());
            left.push(arm.exits.into_boxed_slice());
        }
        let timers = flat
            .timers
            .iter()
            .map(|t| Timer {
                state: StateId(index_u32(t.configuration)),
                declared_by: t.state,
                event: EventId(index_u32(t.event)),
                after: Duration::from_millis(t.after_ms),
            })
            .collect();
        let fingerprint = Fingerprint::of(&spec);
        let configurations = Configurations::hierarchical(flat.configurations, origins, left);
        Definition {
            spec,
            initial: StateId(index_u32(flat.initial)),
            transitions,
            table,
            state_index,
            event_index,
            timers,
            fingerprint,
            configurations,
        }
    }

    /// Resolves a spec that [`validate`] accepted.
    fn resolve(spec: MachineSpec) -> Definition {
        let state_index = name_index(spec.states.iter().map(|s| s.name.as_str()), StateId);
        let event_index = name_index(spec.events.iter().map(|e| e.name.as_str()), EventId);
        let find_state = |name: &str| lookup(&state_index, name).unwrap_or(StateId(0));
        let initial = spec
            .states
            .iter()
            .position(|s| s.initial)
            .map_or(StateId(0), |i| StateId(index_u32(i)));

        let events = spec.events.len();
        let mut table = vec![NONE; spec.states.len() * events].into_boxed_slice();
        let mut transitions = Vec::new();
        let mut origins = Vec::new();
        let mut left = Vec::new();
        for (ei, event) in spec.events.iter().enumerate() {
            // The alternatives of one (state, event) pair sit side by side,
            // in declaration order, the table pointing at the first: the
            // sources in the order they first appear, then for each every
            // arm that leaves it. Without alternatives this is the order
            // of the arms as written.
            let mut sources: Vec<&str> = Vec::new();
            for source in event.arms.iter().flat_map(|a| &a.from) {
                if !sources.contains(&source.as_str()) {
                    sources.push(source);
                }
            }
            for source in sources {
                let from = find_state(source);
                table[from.index() * events + ei] = index_u32(transitions.len());
                for (ai, arm, si) in event.arms.iter().enumerate().filter_map(|(ai, a)| {
                    let si = a.from.iter().position(|f| f == source)?;
                    Some((ai, a, si))
                }) {
                    origins.push(
                        [SpecArm {
                            arm: ai,
                            source: si,
                        }]
                        .into(),
                    );
                    let to = find_state(&arm.to);
                    // A flat machine's transition leaves its source, a
                    // self-transition included.
                    left.push([from.index()].into());
                    transitions.push(Transition {
                        from,
                        event: EventId(index_u32(ei)),
                        to,
                        guard: arm.guard.as_deref().map(Into::into),
                        action: arm.action.as_deref().map(Into::into),
                        exits: state_action(&spec.states[from.index()].exit),
                        entries: state_action(&spec.states[to.index()].entry),
                    });
                }
            }
        }
        let timers = spec
            .timers
            .iter()
            .map(|t| Timer {
                state: find_state(&t.state),
                declared_by: find_state(&t.state).index(),
                event: lookup(&event_index, &t.event).unwrap_or(EventId(0)),
                after: Duration::from_millis(t.after_ms),
            })
            .collect();
        let fingerprint = Fingerprint::of(&spec);
        let configurations = Configurations::flat(&spec, origins, left);
        Definition {
            spec,
            initial,
            transitions,
            table,
            state_index,
            event_index,
            timers,
            fingerprint,
            configurations,
        }
    }

    /// The spec this definition was built from, as written.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.spec().states.len(), 6);
    /// ```
    pub fn spec(&self) -> &MachineSpec {
        &self.spec
    }

    /// The machine's name.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.name(), "task");
    /// ```
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// The fingerprint of what this definition says.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.fingerprint(), def.clone().fingerprint());
    /// ```
    pub fn fingerprint(&self) -> Fingerprint {
        self.fingerprint
    }

    /// The initial state.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.state_name(def.initial()), "pending");
    /// ```
    pub fn initial(&self) -> StateId {
        self.initial
    }

    /// Every state id, in declaration order. For a machine with compound
    /// or parallel states, every configuration (see
    /// [`Definition::leaves`]), the initial one first, then in the order
    /// they are reached from it.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.states().count(), 6);
    /// ```
    pub fn states(&self) -> impl ExactSizeIterator<Item = StateId> + '_ {
        (0..self.configurations.names.len()).map(|i| StateId(index_u32(i)))
    }

    /// Every event id, in declaration order.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.events().count(), 6);
    /// ```
    pub fn events(&self) -> impl ExactSizeIterator<Item = EventId> + '_ {
        (0..self.spec.events.len()).map(|i| EventId(index_u32(i)))
    }

    /// Every resolved arm, one per (event, source) pair and alternative:
    /// the alternatives of a pair side by side, in the order they are tried.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.transitions().len(), 8);
    /// ```
    pub fn transitions(&self) -> &[Transition] {
        &self.transitions
    }

    /// Every timer.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert!(def.timers().is_empty());
    /// ```
    pub fn timers(&self) -> &[Timer] {
        &self.timers
    }

    /// The timers started by entering `state`.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.timers_of(def.initial()).count(), 0);
    /// ```
    pub fn timers_of(&self, state: StateId) -> impl Iterator<Item = &Timer> + '_ {
        self.timers.iter().filter(move |t| t.state == state)
    }

    /// The state called `name`.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert!(def.state_id("in_progress").is_some());
    /// assert!(def.state_id("nope").is_none());
    /// ```
    pub fn state_id(&self, name: &str) -> Option<StateId> {
        lookup(&self.state_index, name)
    }

    /// The event called `name`.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert!(def.event_id("retry").is_some());
    /// ```
    pub fn event_id(&self, name: &str) -> Option<EventId> {
        lookup(&self.event_index, name)
    }

    /// The name of `state`.
    ///
    /// # Panics
    /// If `state` belongs to another definition with fewer states.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.state_name(def.initial()), "pending");
    /// ```
    pub fn state_name(&self, state: StateId) -> &str {
        &self.configurations.names[state.index()]
    }

    /// The name of `event`.
    ///
    /// # Panics
    /// If `event` belongs to another definition with fewer events.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert_eq!(def.event_name(def.event_id("start").unwrap()), "start");
    /// ```
    pub fn event_name(&self, event: EventId) -> &str {
        &self.spec.events[event.index()].name
    }

    /// Whether `state` is final.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert!(def.is_final(def.state_id("completed").unwrap()));
    /// ```
    pub fn is_final(&self, state: StateId) -> bool {
        self.configurations.finals[state.index()]
    }

    /// The arm `event` takes out of `state`, if any; when several guarded
    /// alternatives leave `state`, the first one
    /// ([`Definition::alternatives`] gives them all).
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let complete = def.event_id("complete").unwrap();
    /// assert!(def.transition(def.initial(), complete).is_none());
    /// ```
    #[inline]
    pub fn transition(&self, state: StateId, event: EventId) -> Option<&Transition> {
        self.transition_index(state, event)
            .and_then(|i| self.transitions.get(i))
    }

    /// The position in [`Definition::transitions`] of the arm `event` takes
    /// out of `state`: what a runtime indexes its resolved guards and
    /// actions by.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let assign = def.event_id("assign").unwrap();
    /// let i = def.transition_index(def.initial(), assign).unwrap();
    /// assert_eq!(def.transitions()[i].event, assign);
    /// ```
    ///
    /// An id of another definition's is no arm here (`None`), never the
    /// arm its number happens to name in this table.
    #[inline]
    pub fn transition_index(&self, state: StateId, event: EventId) -> Option<usize> {
        let events = self.spec.events.len();
        // The table is one row of `events` slots per state: a larger event
        // number would read the next state's row.
        if event.index() >= events {
            return None;
        }
        let slot = state.index() * events + event.index();
        match self.table.get(slot).copied() {
            Some(NONE) | None => None,
            Some(i) => Some(i as usize),
        }
    }

    /// Every arm `event` may take out of `state`, in the order their guards
    /// are tried: empty when none leaves it, one arm for most pairs, and
    /// for guarded alternatives each of them, the unguarded else (if any)
    /// last. The first whose guard says yes (or that has none) is taken.
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
    /// let def = Definition::new(
    ///     MachineSpec::new("order")
    ///         .state(StateSpec::initial("submitted"))
    ///         .state(StateSpec::final_state("accepted"))
    ///         .state(StateSpec::final_state("rejected"))
    ///         .event(
    ///             EventSpec::new("decide")
    ///                 .arm(ArmSpec::new(["submitted"], "accepted").guard("good"))
    ///                 .arm(ArmSpec::new(["submitted"], "rejected")),
    ///         ),
    /// )?;
    /// let decide = def.event_id("decide").unwrap();
    /// let tried: Vec<_> = def
    ///     .alternatives(def.initial(), decide)
    ///     .iter()
    ///     .map(|t| (def.state_name(t.to), t.guard.as_deref()))
    ///     .collect();
    /// assert_eq!(tried, [("accepted", Some("good")), ("rejected", None)]);
    /// # Ok::<(), stateforge_core::InvalidDefinition>(())
    /// ```
    pub fn alternatives(&self, state: StateId, event: EventId) -> &[Transition] {
        let Some(first) = self.transition_index(state, event) else {
            return &[];
        };
        let rest = &self.transitions[first..];
        let len = rest
            .iter()
            .take_while(|t| t.from == state && t.event == event)
            .count();
        &rest[..len]
    }

    /// Whether `event` may take more than one arm out of `state`, by guards.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let retry = def.event_id("retry").unwrap();
    /// assert!(!def.has_alternatives(def.state_id("failed").unwrap(), retry));
    /// ```
    pub fn has_alternatives(&self, state: StateId, event: EventId) -> bool {
        self.transition_index(state, event)
            .and_then(|i| self.transitions.get(i + 1))
            .is_some_and(|next| next.from == state && next.event == event)
    }

    /// The events that have an arm out of `state` (guards not consulted).
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let names: Vec<_> = def.events_from(def.initial()).map(|e| def.event_name(e)).collect();
    /// assert_eq!(names, ["assign"]);
    /// ```
    pub fn events_from(&self, state: StateId) -> impl Iterator<Item = EventId> + '_ {
        self.events()
            .filter(move |&e| self.transition(state, e).is_some())
    }

    /// The definition of the agent dispatcher's task machine (pending, assigned,
    /// in progress, completed, failed, escalated), for examples and tests.
    ///
    /// ```
    /// assert_eq!(stateforge_core::Definition::example().name(), "task");
    /// ```
    #[doc(hidden)]
    pub fn example() -> Definition {
        use crate::spec::{ArmSpec, EventSpec, StateSpec};
        let arm = |from: &[&str], to: &str| ArmSpec::new(from.iter().copied(), to);
        let spec = MachineSpec::new("task")
            .state(StateSpec::initial("pending"))
            .state(StateSpec::new("assigned"))
            .state(StateSpec::new("in_progress"))
            .state(StateSpec::final_state("completed"))
            .state(StateSpec::new("failed"))
            .state(StateSpec::final_state("escalated"))
            .event(EventSpec::new("assign").arm(arm(&["pending"], "assigned")))
            .event(EventSpec::new("start").arm(arm(&["assigned"], "in_progress")))
            .event(EventSpec::new("complete").arm(arm(&["in_progress"], "completed")))
            .event(EventSpec::new("fail").arm(arm(&["assigned", "in_progress"], "failed")))
            .event(EventSpec::new("escalate").arm(arm(&["assigned", "in_progress"], "escalated")))
            .event(EventSpec::new("retry").arm(arm(&["failed"], "pending").guard("can_retry")));
        match Definition::new(spec) {
            Ok(def) => def,
            Err(e) => unreachable!("the example definition is valid: {e}"),
        }
    }
}

/// A flat state's entry or exit action as the list a transition runs:
/// empty (no allocation) without one.
fn state_action(action: &Option<String>) -> Box<[Box<str>]> {
    action.as_deref().map(Into::into).into_iter().collect()
}

/// The actions of `states` (a transition's states left or entered, in
/// order) that have one: what the transition runs.
fn state_actions<'a>(
    states: &[usize],
    action: impl Fn(usize) -> &'a Option<String>,
) -> Box<[Box<str>]> {
    states
        .iter()
        .filter_map(|&s| action(s).as_deref())
        .map(Into::into)
        .collect()
}

/// Indices are bounded by `MAX_ARMS` and friends, far below `u32::MAX`.
pub(crate) fn index_u32(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(NONE)
}

/// Names with their ids (the position of each, made an id by `id`),
/// sorted by name for [`lookup`].
fn name_index<'a, T: Ord>(
    names: impl Iterator<Item = &'a str>,
    id: fn(u32) -> T,
) -> Vec<(Box<str>, T)> {
    let mut index: Vec<(Box<str>, T)> = names
        .enumerate()
        .map(|(i, name)| (name.into(), id(index_u32(i))))
        .collect();
    index.sort_unstable();
    index
}

fn lookup<T: Copy>(index: &[(Box<str>, T)], name: &str) -> Option<T> {
    index
        .binary_search_by(|(n, _)| (**n).cmp(name))
        .ok()
        .map(|i| index[i].1)
}
