//! Whether rows written under one definition of a machine read under
//! another: the one rule a store applies before it loads or fires a row
//! whose fingerprint is not the current definition's.
//!
//! A stored row holds a state's name, its data and, pending, timers naming
//! a state and an event. What the row needs of a definition is therefore
//! its machine's name and the row's state; everything else a definition
//! says (events, arms, guards, actions, timers, which state is initial or
//! final) is behaviour, which may change freely between deploys. A state
//! that is gone (removed, or renamed: the two look the same) leaves rows
//! that name nothing: those need a migration, which the current
//! definition may declare (see `migration.rs`).
//!
//! A definition does not describe the types of a state's data or of the
//! context: whether old data still reads is decided when the row is read
//! (a field added with `#[serde(default)]` does; a field removed, renamed
//! or retyped does not, and the row is refused as data that does not fit).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use crate::definition::Definition;
#[cfg(doc)]
use crate::migration::MigrationSpec;

/// One difference between the definition a row was written under and the
/// current one, as [`compare`] finds it.
///
/// ```
/// use stateforge_core::{Change, Definition, StateSpec, compare};
/// let v1 = Definition::example();
/// let mut spec = v1.spec().clone();
/// spec.states.push(StateSpec::final_state("archived"));
/// spec.checks.unreachable = false;
/// let v2 = Definition::new(spec).unwrap();
/// let changes = compare(&v1, &v2);
/// assert_eq!(changes.changes(), [Change::StateAdded("archived".into())]);
/// assert!(!changes.changes()[0].needs_migration());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Change {
    /// The current definition is another machine's: no row carries over.
    OtherMachine {
        /// The machine the rows were written for.
        stored: String,
        /// The machine at hand.
        current: String,
    },
    /// A state the rows may be in is gone (removed, or renamed), and the
    /// current definition declares no migration of it.
    StateRemoved(String),
    /// A state the rows may be in is gone, and the current definition
    /// declares where its rows go (a [`MigrationSpec`]).
    StateMigrated {
        /// The state gone.
        from: String,
        /// Where its rows go.
        to: String,
        /// The function making their new data, if any.
        with: Option<String>,
    },
    /// The current definition declares that the data of a state changed,
    /// and the function making the new data from the old; the rows'
    /// definition does not.
    DataMigrated {
        /// The state.
        state: String,
        /// The function.
        with: String,
    },
    /// The rows' definition declares that the data of a state changed
    /// (made by `with`) and the current one does not: the current one is
    /// older, and its code may not read the data, or may drop what it
    /// does not know on a write. A binary of an older definition meets
    /// such rows in a rolling deploy: they need a migration, back.
    DataNewer {
        /// The state.
        state: String,
        /// The function that made the rows' data.
        with: String,
    },
    /// A new state.
    StateAdded(String),
    /// Another state is initial: only new entities start elsewhere.
    InitialChanged {
        /// The initial state rows were created in.
        stored: String,
        /// The one new entities start in.
        current: String,
    },
    /// A state became final, or stopped being final.
    FinalChanged(String),
    /// A new event.
    EventAdded(String),
    /// An event is gone: pending timers that name it are used up without
    /// firing, as a refused timer is.
    EventRemoved(String),
    /// A new arm: `event` now leads out of `from`.
    ArmAdded {
        /// The event.
        event: String,
        /// The source state.
        from: String,
    },
    /// `event` no longer leads out of `from`.
    ArmRemoved {
        /// The event.
        event: String,
        /// The source state.
        from: String,
    },
    /// The arm `event` takes out of `from` has another target, guard or
    /// action.
    ArmChanged {
        /// The event.
        event: String,
        /// The source state.
        from: String,
    },
    /// A new timer: entities entering `state` from now on arm it.
    TimerAdded {
        /// The state whose entry starts it.
        state: String,
        /// The event it fires.
        event: String,
    },
    /// A timer is gone: timers already pending still fire once.
    TimerRemoved {
        /// The state whose entry started it.
        state: String,
        /// The event it fired.
        event: String,
    },
    /// A timer has another delay: timers already pending keep their time.
    TimerChanged {
        /// The state whose entry starts it.
        state: String,
        /// The event it fires.
        event: String,
    },
    /// A state has another entry or exit action, gains one or loses one:
    /// behaviour, like an arm's action, so rows carry over; a row already
    /// in the state runs the new exit action when it leaves.
    StateActionsChanged(String),
}

impl Change {
    /// Whether rows written before this change need a migration to read
    /// after it: a state gone, or another machine.
    ///
    /// ```
    /// use stateforge_core::Change;
    /// assert!(Change::StateRemoved("failed".into()).needs_migration());
    /// assert!(!Change::EventAdded("cancel".into()).needs_migration());
    /// ```
    pub fn needs_migration(&self) -> bool {
        matches!(
            self,
            Change::OtherMachine { .. } | Change::StateRemoved(_) | Change::DataNewer { .. }
        )
    }
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Change::OtherMachine { stored, current } => {
                write!(f, "the rows are of machine `{stored}`, not `{current}`")
            }
            Change::StateRemoved(s) => write!(f, "state `{s}` was removed or renamed"),
            Change::StateMigrated { from, to, .. } => {
                write!(f, "rows of state `{from}` migrate to `{to}`")
            }
            Change::DataMigrated { state, with } => {
                write!(f, "the data of state `{state}` migrates through `{with}`")
            }
            Change::DataNewer { state, with } => write!(
                f,
                "the data of state `{state}` was made by `{with}`, which this definition does not declare"
            ),
            Change::StateAdded(s) => write!(f, "state `{s}` was added"),
            Change::InitialChanged { stored, current } => {
                write!(f, "the initial state is `{current}`, was `{stored}`")
            }
            Change::FinalChanged(s) => write!(f, "state `{s}` became or stopped being final"),
            Change::EventAdded(e) => write!(f, "event `{e}` was added"),
            Change::EventRemoved(e) => write!(f, "event `{e}` was removed"),
            Change::ArmAdded { event, from } => {
                write!(f, "event `{event}` now leads out of `{from}`")
            }
            Change::ArmRemoved { event, from } => {
                write!(f, "event `{event}` no longer leads out of `{from}`")
            }
            Change::ArmChanged { event, from } => {
                write!(f, "the arm of `{event}` out of `{from}` changed")
            }
            Change::TimerAdded { state, event } => {
                write!(f, "a timer firing `{event}` in `{state}` was added")
            }
            Change::TimerRemoved { state, event } => {
                write!(f, "the timer firing `{event}` in `{state}` was removed")
            }
            Change::StateActionsChanged(s) => {
                write!(f, "the entry or exit action of state `{s}` changed")
            }
            Change::TimerChanged { state, event } => {
                write!(
                    f,
                    "the timer firing `{event}` in `{state}` has another delay"
                )
            }
        }
    }
}

/// Every [`Change`] between two definitions, in a stable order, and
/// whether rows carry over.
///
/// ```
/// let v1 = stateforge_core::Definition::example();
/// let same = stateforge_core::compare(&v1, &v1);
/// assert!(same.is_compatible() && same.changes().is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compatibility {
    changes: Vec<Change>,
}

impl Compatibility {
    /// Every change, sorted.
    ///
    /// ```
    /// # let v1 = stateforge_core::Definition::example();
    /// assert!(stateforge_core::compare(&v1, &v1).changes().is_empty());
    /// ```
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// Whether every row written under the stored definition loads and
    /// fires under the current one as it is.
    ///
    /// ```
    /// # let v1 = stateforge_core::Definition::example();
    /// assert!(stateforge_core::compare(&v1, &v1).is_compatible());
    /// ```
    pub fn is_compatible(&self) -> bool {
        !self.changes.iter().any(Change::needs_migration)
    }

    /// The changes that need a migration.
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Change, Definition, EventSpec, MachineSpec, StateSpec, compare};
    /// let door = |closed: &str| {
    ///     Definition::new(
    ///         MachineSpec::new("door")
    ///             .state(StateSpec::initial(closed))
    ///             .state(StateSpec::new("open"))
    ///             .event(EventSpec::new("open").arm(ArmSpec::new([closed], "open")))
    ///             .event(EventSpec::new("close").arm(ArmSpec::new(["open"], closed))),
    ///     )
    ///     .unwrap()
    /// };
    /// let renamed = compare(&door("closed"), &door("shut"));
    /// assert!(!renamed.is_compatible());
    /// let blocking: Vec<_> = renamed.needing_migration().collect();
    /// assert_eq!(blocking, [&Change::StateRemoved("closed".into())]);
    /// ```
    pub fn needing_migration(&self) -> impl Iterator<Item = &Change> + '_ {
        self.changes.iter().filter(|c| c.needs_migration())
    }

    /// What a row in `state` (a state of the rows' definition) becomes
    /// under the current one by a declared migration: its new state, and
    /// the function making its new data, if any. `None` when the row
    /// carries over as it is (or cannot: see [`Compatibility::is_compatible`]).
    ///
    /// ```
    /// use stateforge_core::{Definition, MigrationSpec, compare};
    /// let v1 = Definition::example();
    /// let mut spec = v1.spec().clone();
    /// spec.states.retain(|s| s.name != "escalated");
    /// for e in &mut spec.events {
    ///     e.arms.retain(|a| a.to != "escalated");
    /// }
    /// spec.events.retain(|e| !e.arms.is_empty());
    /// let v2 = Definition::new(spec.migration(MigrationSpec::removed("escalated", "failed"))).unwrap();
    /// let plan = compare(&v1, &v2);
    /// assert!(plan.is_compatible());
    /// assert_eq!(plan.destination("escalated"), Some(("failed", None)));
    /// assert_eq!(plan.destination("pending"), None);
    /// ```
    pub fn destination(&self, state: &str) -> Option<(&str, Option<&str>)> {
        self.changes.iter().find_map(|c| match c {
            Change::StateMigrated { from, to, with } if from == state => {
                Some((to.as_str(), with.as_deref()))
            }
            Change::DataMigrated { state: s, with } if s == state => {
                Some((s.as_str(), Some(with.as_str())))
            }
            _ => None,
        })
    }
}

impl fmt::Display for Compatibility {
    /// The changes that need a migration, `; `-separated, or
    /// `compatible`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_compatible() {
            return f.write_str("compatible");
        }
        for (i, change) in self.needing_migration().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{change}")?;
        }
        Ok(())
    }
}

/// Compares the definition rows were written under (`stored`) with the
/// current one: every difference, and whether rows carry over.
///
/// The rule, change by change (docs/dsl.md, "Changing a machine"): a
/// state removed or renamed without a migration declared in `current`
/// (a [`MigrationSpec`]), or another machine, needs a migration;
/// everything else (states, events, arms, guards, actions, a state's
/// entry and exit actions and timers added, removed or changed; another
/// initial state; a state becoming final) is compatible. Rows carry over when no change needs a
/// migration.
///
/// ```
/// use stateforge_core::{Definition, EventSpec, ArmSpec, compare};
/// let v1 = Definition::example();
/// let mut spec = v1.spec().clone();
/// spec.events.push(EventSpec::new("reopen").arm(ArmSpec::new(["failed"], "assigned")));
/// let v2 = Definition::new(spec).unwrap();
/// assert!(compare(&v1, &v2).is_compatible());
/// // The other way round, too: v1 has no state v2 lacks.
/// assert!(compare(&v2, &v1).is_compatible());
/// ```
pub fn compare(stored: &Definition, current: &Definition) -> Compatibility {
    let mut changes = Vec::new();
    if stored.name() != current.name() {
        changes.push(Change::OtherMachine {
            stored: stored.name().to_owned(),
            current: current.name().to_owned(),
        });
    }
    let states = |def: &Definition| -> BTreeMap<String, bool> {
        def.states()
            .map(|s| (def.state_name(s).to_owned(), def.is_final(s)))
            .collect()
    };
    let (old_states, new_states) = (states(stored), states(current));
    let declared = |from: &str| current.spec().migrations.iter().find(|m| m.from == from);
    for (name, is_final) in &old_states {
        match new_states.get(name) {
            None => changes.push(match declared(name) {
                Some(m) => Change::StateMigrated {
                    from: name.clone(),
                    to: m.to.clone(),
                    with: m.with.clone(),
                },
                None => Change::StateRemoved(name.clone()),
            }),
            Some(now) if now != is_final => changes.push(Change::FinalChanged(name.clone())),
            Some(_) => {}
        }
    }
    for name in new_states.keys().filter(|n| !old_states.contains_key(*n)) {
        changes.push(Change::StateAdded(name.clone()));
    }
    let actions = |def: &Definition| -> BTreeMap<String, (Option<String>, Option<String>)> {
        def.spec()
            .states
            .iter()
            .map(|s| (s.name.clone(), (s.entry.clone(), s.exit.clone())))
            .collect()
    };
    let new_actions = actions(current);
    for (name, old) in actions(stored) {
        if new_actions.get(&name).is_some_and(|new| *new != old) {
            changes.push(Change::StateActionsChanged(name));
        }
    }
    // A data migration applies to rows of a definition that does not
    // declare it: rows written under one that does already hold the new
    // data.
    for m in &current.spec().migrations {
        if let Some(with) = &m.with
            && m.from == m.to
            && old_states.contains_key(&m.from)
            && !stored.spec().migrations.contains(m)
        {
            changes.push(Change::DataMigrated {
                state: m.from.clone(),
                with: with.clone(),
            });
        }
    }
    // The other way: the rows' definition made a state's data that this
    // one does not know of (an older binary meeting newer rows).
    for m in &stored.spec().migrations {
        if let Some(with) = &m.with
            && m.from == m.to
            && new_states.contains_key(&m.from)
            && !current.spec().migrations.contains(m)
        {
            changes.push(Change::DataNewer {
                state: m.from.clone(),
                with: with.clone(),
            });
        }
    }
    let (old_initial, new_initial) = (
        stored.state_name(stored.initial()),
        current.state_name(current.initial()),
    );
    if old_initial != new_initial {
        changes.push(Change::InitialChanged {
            stored: old_initial.to_owned(),
            current: new_initial.to_owned(),
        });
    }
    let events = |def: &Definition| -> BTreeSet<String> {
        def.events().map(|e| def.event_name(e).to_owned()).collect()
    };
    let (old_events, new_events) = (events(stored), events(current));
    for name in old_events.difference(&new_events) {
        changes.push(Change::EventRemoved(name.clone()));
    }
    for name in new_events.difference(&old_events) {
        changes.push(Change::EventAdded(name.clone()));
    }
    compare_keyed(
        &arms(stored),
        &arms(current),
        &mut changes,
        |(event, from)| Change::ArmAdded { event, from },
        |(event, from)| Change::ArmRemoved { event, from },
        |(event, from)| Change::ArmChanged { event, from },
    );
    compare_keyed(
        &timers(stored),
        &timers(current),
        &mut changes,
        |(state, event)| Change::TimerAdded { state, event },
        |(state, event)| Change::TimerRemoved { state, event },
        |(state, event)| Change::TimerChanged { state, event },
    );
    changes.sort();
    Compatibility { changes }
}

type Keyed<V> = BTreeMap<(String, String), V>;

/// The arms by `(event, from)`: what each leads to, guarded and acted on
/// by what.
fn arms(def: &Definition) -> Keyed<(String, Option<String>, Option<String>)> {
    def.transitions()
        .iter()
        .map(|t| {
            let key = (
                def.event_name(t.event).to_owned(),
                def.state_name(t.from).to_owned(),
            );
            let value = (
                def.state_name(t.to).to_owned(),
                t.guard.as_deref().map(str::to_owned),
                t.action.as_deref().map(str::to_owned),
            );
            (key, value)
        })
        .collect()
}

/// The timers by `(state, event)`: their delay.
fn timers(def: &Definition) -> Keyed<std::time::Duration> {
    def.timers()
        .iter()
        .map(|t| {
            let key = (
                def.state_name(t.state).to_owned(),
                def.event_name(t.event).to_owned(),
            );
            (key, t.after)
        })
        .collect()
}

fn compare_keyed<V: PartialEq>(
    old: &Keyed<V>,
    new: &Keyed<V>,
    changes: &mut Vec<Change>,
    added: impl Fn((String, String)) -> Change,
    removed: impl Fn((String, String)) -> Change,
    changed: impl Fn((String, String)) -> Change,
) {
    for (key, value) in old {
        match new.get(key) {
            None => changes.push(removed(key.clone())),
            Some(now) if now != value => changes.push(changed(key.clone())),
            Some(_) => {}
        }
    }
    for key in new.keys().filter(|k| !old.contains_key(*k)) {
        changes.push(added(key.clone()));
    }
}
