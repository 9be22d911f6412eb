//! What each state of a [`Definition`] stands for in its spec.
//!
//! A flat machine's states are its spec's states. A machine with compound
//! or parallel states is flattened (see `flatten`): its states are the
//! *configurations*, the sets of spec states active at once, and each of
//! its transitions came from one spec arm, or from one arm per region
//! when an event moves several regions of a parallel state together.
//! Generated code and diagrams read the hierarchy back from here.

use crate::definition::{Definition, StateId};
use crate::flatten::FlatConfiguration;
use crate::spec::MachineSpec;

/// The spec arm a transition of a [`Definition`] came from: its index in
/// its event's `arms` (the event is the transition's), and the index in
/// that arm's `from` of the source it left by.
///
/// ```
/// # let def = stateforge_core::Definition::example();
/// let fail = def.event_id("fail").unwrap();
/// let i = def.transition_index(def.state_id("in_progress").unwrap(), fail).unwrap();
/// let arm = def.arms_of(i)[0];
/// assert_eq!((arm.arm, arm.source), (0, 1)); // `assigned | in_progress -> failed`
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SpecArm {
    /// The arm's index in `spec.events[event].arms`.
    pub arm: usize,
    /// The source's index in that arm's `from`.
    pub source: usize,
}

/// A compound state with history that is not active, and the child it
/// will enter again: part of a configuration of a machine with history.
///
/// ```
/// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
/// let def = Definition::new(
///     MachineSpec::new("player")
///         .state(StateSpec::compound("on").with_history())
///         .state(StateSpec::initial("playing").child_of("on"))
///         .state(StateSpec::new("paused").child_of("on"))
///         .state(StateSpec::initial("off"))
///         .event(EventSpec::new("power").arm(ArmSpec::new(["off"], "on")).arm(ArmSpec::new(["on"], "off")))
///         .event(EventSpec::new("pause").arm(ArmSpec::new(["playing"], "paused")))
///         .event(EventSpec::new("play").arm(ArmSpec::new(["paused"], "playing"))),
/// )?;
/// let off = def.state_id("off[on.paused]").unwrap();
/// let remembered = def.remembered(off)[0];
/// assert_eq!(def.spec().states[remembered.child].name, "paused");
/// # Ok::<(), stateforge_core::InvalidDefinition>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Remembered {
    /// The compound state with history, by index in `spec.states`.
    pub state: usize,
    /// The child it enters again, by index in `spec.states`.
    pub child: usize,
}

/// Per state and per transition of a [`Definition`], where it sits in the spec.
#[derive(Debug, Clone)]
pub(crate) struct Configurations {
    hierarchical: bool,
    pub(crate) names: Vec<Box<str>>,
    pub(crate) finals: Vec<bool>,
    leaves: Vec<Box<[usize]>>,
    remembered: Vec<Box<[Remembered]>>,
    arms: Vec<Box<[SpecArm]>>,
    /// Per transition, every spec state it leaves.
    left: Vec<Box<[usize]>>,
}

impl Configurations {
    /// A flat machine: each state is itself.
    pub(crate) fn flat(
        spec: &MachineSpec,
        arms: Vec<Box<[SpecArm]>>,
        left: Vec<Box<[usize]>>,
    ) -> Configurations {
        Configurations {
            hierarchical: false,
            names: spec.states.iter().map(|s| s.name.as_str().into()).collect(),
            finals: spec.states.iter().map(|s| s.is_final).collect(),
            leaves: (0..spec.states.len()).map(|i| [i].into()).collect(),
            remembered: vec![Box::default(); spec.states.len()],
            arms,
            left,
        }
    }

    /// A flattened machine's configurations, in state id order.
    pub(crate) fn hierarchical(
        configurations: Vec<FlatConfiguration>,
        arms: Vec<Box<[SpecArm]>>,
        left: Vec<Box<[usize]>>,
    ) -> Configurations {
        let mut names = Vec::with_capacity(configurations.len());
        let mut finals = Vec::with_capacity(configurations.len());
        let mut leaves = Vec::with_capacity(configurations.len());
        let mut remembered = Vec::with_capacity(configurations.len());
        for c in configurations {
            names.push(c.name.into_boxed_str());
            finals.push(c.is_final);
            leaves.push(c.leaves.into_boxed_slice());
            remembered.push(c.remembered.into_boxed_slice());
        }
        Configurations {
            hierarchical: true,
            names,
            finals,
            leaves,
            remembered,
            arms,
            left,
        }
    }
}

impl Definition {
    /// Whether the spec has compound or parallel states, so that this
    /// definition's states are configurations of them.
    ///
    /// ```
    /// assert!(!stateforge_core::Definition::example().is_hierarchical());
    /// ```
    pub fn is_hierarchical(&self) -> bool {
        self.configurations.hierarchical
    }

    /// The leaf states active in `state`, by index in `spec().states`, in
    /// declaration order (regions in order): one for a flat machine (the
    /// state itself) or a compound state's configuration, one per region
    /// in a parallel state.
    ///
    /// # Panics
    /// If `state` belongs to another definition with fewer states.
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
    /// let def = Definition::new(
    ///     MachineSpec::new("run")
    ///         .state(StateSpec::parallel("building").marked_initial())
    ///         .state(StateSpec::compound("tests").child_of("building"))
    ///         .state(StateSpec::initial("running").child_of("tests"))
    ///         .state(StateSpec::final_state("passed").child_of("tests"))
    ///         .state(StateSpec::compound("docs").child_of("building"))
    ///         .state(StateSpec::initial("writing").child_of("docs"))
    ///         .state(StateSpec::final_state("written").child_of("docs"))
    ///         .state(StateSpec::final_state("released"))
    ///         .event(EventSpec::new("pass").arm(ArmSpec::new(["running"], "passed")))
    ///         .event(EventSpec::new("write").arm(ArmSpec::new(["writing"], "written")))
    ///         .event(EventSpec::new("release").arm(ArmSpec::new(["done(building)"], "released"))),
    /// )?;
    /// assert_eq!(def.state_name(def.initial()), "building.tests.running,building.docs.writing");
    /// let leaves: Vec<_> =
    ///     def.leaves(def.initial()).iter().map(|&i| def.spec().states[i].name.as_str()).collect();
    /// assert_eq!(leaves, ["running", "writing"]);
    /// # Ok::<(), stateforge_core::InvalidDefinition>(())
    /// ```
    pub fn leaves(&self, state: StateId) -> &[usize] {
        &self.configurations.leaves[state.index()]
    }

    /// The compound states with history that `state` remembers a child
    /// of while they are not active (none in a machine without history,
    /// and none for a history state that is active: its active child is
    /// what it remembers). A history state left in its initial child
    /// remembers nothing: entering it again enters that child anyway.
    ///
    /// # Panics
    /// If `state` belongs to another definition with fewer states.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert!(def.remembered(def.initial()).is_empty());
    /// ```
    pub fn remembered(&self, state: StateId) -> &[Remembered] {
        &self.configurations.remembered[state.index()]
    }

    /// The spec arms the transition at `index` in
    /// [`Definition::transitions`] came from: one, or one per region when
    /// an event moves several regions of a parallel state at once (in
    /// region order).
    ///
    /// # Panics
    /// If `index` is not below `transitions().len()`.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let assign = def.event_id("assign").unwrap();
    /// let i = def.transition_index(def.initial(), assign).unwrap();
    /// assert_eq!(def.arms_of(i), [stateforge_core::SpecArm { arm: 0, source: 0 }]);
    /// ```
    pub fn arms_of(&self, index: usize) -> &[SpecArm] {
        &self.configurations.arms[index]
    }

    /// Every state the transition at `index` in
    /// [`Definition::transitions`] leaves, by index in `spec().states`,
    /// innermost first (the last region first): its source in a flat
    /// machine, a transition to itself included; with compound and
    /// parallel states, every active state below the nearest compound
    /// state holding both ends of the arm taken, with or without an exit
    /// action ([`Transition::exits`](crate::Transition::exits) names the
    /// actions).
    ///
    /// # Panics
    /// If `index` is not below `transitions().len()`.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let assign = def.event_id("assign").unwrap();
    /// let i = def.transition_index(def.initial(), assign).unwrap();
    /// assert_eq!(def.left_by(i), [def.initial().index()]);
    /// ```
    pub fn left_by(&self, index: usize) -> &[usize] {
        &self.configurations.left[index]
    }
}
