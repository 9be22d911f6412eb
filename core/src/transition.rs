//! One resolved arm of a [`Definition`](crate::Definition), and the
//! actions taking it runs, in order.

use crate::definition::{EventId, StateId};

/// One resolved arm: `from --event--> to`, with its guard and the actions
/// taking it runs.
///
/// ```
/// # let def = stateforge_core::Definition::example();
/// let (pending, assign) = (def.state_id("pending").unwrap(), def.event_id("assign").unwrap());
/// let t = def.transition(pending, assign).unwrap();
/// assert_eq!(def.state_name(t.to), "assigned");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    /// The source state.
    pub from: StateId,
    /// The event.
    pub event: EventId,
    /// The target state.
    pub to: StateId,
    /// The guard's name, if the arm has one.
    pub guard: Option<Box<str>>,
    /// The arm's own action, if it has one.
    pub action: Option<Box<str>>,
    /// The exit actions of the states the arm leaves, in the order they
    /// run: the source state's, if it has one. On a self-transition the
    /// state is left and entered again, so its exit action is here too.
    /// With compound and parallel states, every state left, innermost
    /// first (the last region first).
    pub exits: Box<[Box<str>]>,
    /// The entry actions of the states the arm enters, in the order they
    /// run: the target state's, if it has one. With compound and parallel
    /// states, every state entered, outermost first (the first region
    /// first), the initial children entered with it included.
    pub entries: Box<[Box<str>]>,
}

/// What part of a transition an action is: see [`Transition::actions`].
///
/// ```
/// assert_eq!(stateforge_core::ActionKind::Exit.to_string(), "exit action");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ActionKind {
    /// A state's exit action, run as the transition leaves it.
    Exit,
    /// The arm's own action (`=> action`).
    Arm,
    /// A state's entry action, run as the transition enters it.
    Entry,
}

impl std::fmt::Display for ActionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ActionKind::Exit => "exit action",
            ActionKind::Arm => "action",
            ActionKind::Entry => "entry action",
        })
    }
}

/// One action of a transition, as [`Transition::actions`] lists them.
///
/// ```
/// use stateforge_core::{ActionKind, ActionStep};
/// let step = ActionStep { kind: ActionKind::Entry, name: "arm_timer" };
/// assert_eq!(step.to_string(), "entry action `arm_timer`");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ActionStep<'a> {
    /// Exit, arm or entry.
    pub kind: ActionKind,
    /// The action's name.
    pub name: &'a str,
}

impl std::fmt::Display for ActionStep<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} `{}`", self.kind, self.name)
    }
}

impl Transition {
    /// Every action taking this arm runs, in the order they run: the
    /// exit actions, then the arm's own action, then the entry actions.
    ///
    /// ```
    /// use stateforge_core::{ActionKind, ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
    /// let def = Definition::new(
    ///     MachineSpec::new("door")
    ///         .state(StateSpec::initial("closed").exit("unlatch"))
    ///         .state(StateSpec::new("open").entry("start_alarm"))
    ///         .event(EventSpec::new("open").arm(ArmSpec::new(["closed"], "open").action("log")))
    ///         .event(EventSpec::new("close").arm(ArmSpec::new(["open"], "closed"))),
    /// )?;
    /// let open = def.transition(def.initial(), def.event_id("open").unwrap()).unwrap();
    /// let order: Vec<_> = open.actions().map(|s| (s.kind, s.name)).collect();
    /// assert_eq!(order, [
    ///     (ActionKind::Exit, "unlatch"),
    ///     (ActionKind::Arm, "log"),
    ///     (ActionKind::Entry, "start_alarm"),
    /// ]);
    /// # Ok::<(), stateforge_core::InvalidDefinition>(())
    /// ```
    pub fn actions(&self) -> impl Iterator<Item = ActionStep<'_>> + '_ {
        fn steps(
            kind: ActionKind,
            names: &[Box<str>],
        ) -> impl Iterator<Item = ActionStep<'_>> + '_ {
            names.iter().map(move |name| ActionStep { kind, name })
        }
        steps(ActionKind::Exit, &self.exits)
            .chain(steps(ActionKind::Arm, self.action.as_slice()))
            .chain(steps(ActionKind::Entry, &self.entries))
    }

    /// Whether taking this arm runs any action: its own, or a state's.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// assert!(def.transitions().iter().all(|t| !t.has_actions()));
    /// ```
    pub fn has_actions(&self) -> bool {
        self.action.is_some() || !self.exits.is_empty() || !self.entries.is_empty()
    }
}
