//! Compound and parallel states, flattened into configurations.
//!
//! A machine with compound or parallel states becomes a flat machine whose
//! states are its *configurations*: the sets of leaf states active at once
//! (one per region of each active parallel state), with what the compound
//! states with history remember while they are not active. Everything
//! downstream (firing, stores, timers, listeners, history, compatibility)
//! then works on an ordinary flat definition; only the configurations
//! reachable from the initial one are built.
//!
//! The rules, as the documentation states them for users:
//!
//! - an arm out of a compound or parallel state applies in every
//!   configuration inside it, unless a deeper active state has an arm of
//!   the same event: the deepest one is tried first, and an outer one only
//!   if every deeper one has a guard (as an alternative after them);
//! - an arm leaves every active state below the nearest compound state
//!   that holds both its source and its target (a parallel state never
//!   holds a transition: an arm between regions leaves the parallel state
//!   and enters it again), and enters the states down to its target, then
//!   the target's initial child (or the child a history state remembers),
//!   every region of a parallel state, the initial children of the regions
//!   the target is not in;
//! - in a parallel state, an event moves every region whose active state
//!   accepts it, in one transition; an arm that leaves the parallel state
//!   takes precedence over the arms of the regions it would leave (they
//!   are tried after it when its guards all say no);
//! - `done(p)` is a source only where every active leaf inside `p` is final;
//! - the states a transition leaves run their exit actions innermost
//!   first, then the arm's action runs, then the states it enters run
//!   their entry actions outermost first, a compound or parallel state's
//!   included. Entering follows declaration order (a parent before its
//!   children, a region's states before the next region's) and leaving
//!   is its mirror (the last region first), so a state is left in the
//!   reverse of the order it was entered, as SCXML does; regions that one
//!   event moves together leave all they leave before entering anything.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::configuration::{Remembered, SpecArm};
use crate::problem::{Problem, Site};
use crate::spec::{MachineSpec, StateKind};

mod moves;
mod tree;

use tree::Tree;

/// The most configurations a definition holds: a parallel state's
/// configurations are the product of its regions', which grows fast.
pub const MAX_CONFIGURATIONS: usize = 4096;

/// The most transitions between configurations a definition holds, so
/// that a definition read from untrusted data cannot ask for an unbounded
/// flattening.
pub const MAX_TRANSITIONS: usize = 4 * crate::validate::MAX_ARMS;

/// Whether `spec` has a compound or parallel state, or a child.
pub(crate) fn is_hierarchical(spec: &MachineSpec) -> bool {
    spec.states
        .iter()
        .any(|s| s.parent.is_some() || s.kind != StateKind::Atomic || s.history)
}

/// The state `done(name)` names, if `source` is written so.
pub(crate) fn done_of(source: &str) -> Option<&str> {
    source.strip_prefix("done(")?.strip_suffix(')')
}

/// Whether `name` has the shape of a configuration's name: state names
/// joined by `.` and `,`, with remembered ones in `[..]`, as a row of a
/// machine with compound or parallel states holds.
pub(crate) fn is_configuration_name(name: &str) -> bool {
    name.len() <= 4096
        && name
            .split(['.', ',', '[', ']'])
            .filter(|part| !part.is_empty())
            .all(crate::validate::is_valid_name)
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
}

/// A flattened machine: configurations and the arms between them.
pub(crate) struct Flat {
    pub(crate) configurations: Vec<FlatConfiguration>,
    pub(crate) initial: usize,
    /// The alternatives of one (configuration, event) pair side by side.
    pub(crate) arms: Vec<FlatArm>,
    pub(crate) timers: Vec<FlatTimer>,
}

pub(crate) struct FlatConfiguration {
    pub(crate) name: String,
    pub(crate) is_final: bool,
    pub(crate) leaves: Vec<usize>,
    pub(crate) remembered: Vec<Remembered>,
}

pub(crate) struct FlatArm {
    pub(crate) from: usize,
    pub(crate) event: usize,
    pub(crate) to: usize,
    pub(crate) guard: Option<String>,
    pub(crate) action: Option<String>,
    pub(crate) origins: Vec<SpecArm>,
    /// Every state the transition leaves, as indices into the spec's
    /// states, in the order their exit actions run.
    pub(crate) exits: Vec<usize>,
    /// Every state it enters, in the order their entry actions run.
    pub(crate) entries: Vec<usize>,
}

pub(crate) struct FlatTimer {
    pub(crate) configuration: usize,
    /// The state that declares it, as an index into the spec's states.
    pub(crate) state: usize,
    pub(crate) event: usize,
    pub(crate) after_ms: u64,
}

/// A configuration while being computed: its leaves and the children the
/// inactive history states remember.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    leaves: Vec<usize>,
    memory: Vec<(usize, usize)>,
}

/// One way an event may leave a configuration: the arm, and the state
/// its source names (for `done(p)`, `p`).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    arm: usize,
    source: usize,
    state: usize,
}

struct Flattener<'a> {
    tree: Tree<'a>,
    /// Per event, per source state, the arms leaving it in declaration
    /// order, and separately those leaving `done(state)`.
    by_source: Vec<BTreeMap<usize, Vec<Candidate>>>,
    by_done: Vec<BTreeMap<usize, Vec<Candidate>>>,
    /// Per event, per arm, the state it leads to.
    targets: Vec<Vec<usize>>,
    keys: Vec<Key>,
    ids: HashMap<Key, usize>,
    queue: VecDeque<usize>,
}

/// Flattens a spec that passed every rule but the graph checks, which are
/// answered here on the configurations: a state active in no reachable
/// configuration is unreachable, a configuration that is not final and
/// has no way out is a dead end.
pub(crate) fn flatten(spec: &MachineSpec) -> Result<Flat, Vec<Problem>> {
    let tree = Tree::new(spec);
    let count = tree.leaf_sets(tree.root);
    if count > MAX_CONFIGURATIONS {
        return Err(vec![Problem::TooManyConfigurations {
            count,
            max: MAX_CONFIGURATIONS,
            exact: true,
        }]);
    }
    let mut index = HashMap::new();
    for (i, s) in spec.states.iter().enumerate() {
        index.entry(s.name.as_str()).or_insert(i);
    }
    let mut by_source = vec![BTreeMap::new(); spec.events.len()];
    let mut by_done = vec![BTreeMap::new(); spec.events.len()];
    for (ei, event) in spec.events.iter().enumerate() {
        for (ai, arm) in event.arms.iter().enumerate() {
            for (si, source) in arm.from.iter().enumerate() {
                let (map, name) = match done_of(source) {
                    Some(inner) => (&mut by_done[ei], inner),
                    None => (&mut by_source[ei], source.as_str()),
                };
                if let Some(&state) = index.get(name) {
                    map.entry(state).or_insert_with(Vec::new).push(Candidate {
                        arm: ai,
                        source: si,
                        state,
                    });
                }
            }
        }
    }
    let targets = spec
        .events
        .iter()
        .map(|e| {
            e.arms
                .iter()
                .map(|a| index.get(a.to.as_str()).copied().unwrap_or(tree.root))
                .collect()
        })
        .collect();
    let mut f = Flattener {
        tree,
        by_source,
        by_done,
        targets,
        keys: Vec::new(),
        ids: HashMap::new(),
        queue: VecDeque::new(),
    };
    let mut arms = Vec::new();
    let initial = f.entered_from_root(f.tree.root);
    f.intern(initial);
    f.explore(&mut arms)?;
    let mut problems = Vec::new();
    let reached = f.keys.len();
    let active = f.ever_active();
    for (i, s) in spec.states.iter().enumerate() {
        if active[i] {
            continue;
        }
        if spec.checks.unreachable {
            problems.push(Problem::UnreachableState {
                state: s.name.clone(),
                site: Site::State(i),
            });
        } else if f.tree.children[i].is_empty() {
            // Unreachable states allowed still have a configuration, as
            // a flat machine's do: the one entering them from outside.
            let seed = f.entered_from_root(i);
            f.intern(seed);
            f.explore(&mut arms)?;
        }
    }
    let mut has_out = vec![false; f.keys.len()];
    for arm in &arms {
        has_out[arm.from] = true;
    }
    let configurations: Vec<FlatConfiguration> = f
        .keys
        .iter()
        .enumerate()
        .map(|(i, key)| FlatConfiguration {
            name: f.name(key),
            is_final: !has_out[i] && key.leaves.iter().all(|&l| spec.states[l].is_final),
            leaves: key.leaves.clone(),
            remembered: key
                .memory
                .iter()
                .map(|&(state, child)| Remembered { state, child })
                .collect(),
        })
        .collect();
    if spec.checks.dead_ends {
        for (i, c) in configurations.iter().enumerate().take(reached) {
            if !c.is_final && !has_out[i] {
                problems.push(Problem::DeadEnd {
                    state: c.name.clone(),
                    site: Site::State(c.leaves[0]),
                });
            }
        }
    }
    check_migrations(spec, &configurations, &mut problems);
    if !problems.is_empty() {
        return Err(problems);
    }
    let timers = f.timers(&arms);
    Ok(Flat {
        configurations,
        initial: 0,
        arms,
        timers,
    })
}

// Rule: a migration leads rows to a configuration, from a name that is no
// longer one (its other rules are checked with every machine's).
fn check_migrations(
    spec: &MachineSpec,
    configurations: &[FlatConfiguration],
    problems: &mut Vec<Problem>,
) {
    let names: std::collections::HashSet<&str> =
        configurations.iter().map(|c| c.name.as_str()).collect();
    for (i, m) in spec.migrations.iter().enumerate() {
        if !names.contains(m.to.as_str()) {
            problems.push(Problem::UnknownState {
                name: m.to.clone(),
                site: Site::MigrationTo(i),
            });
        }
        if m.from != m.to && names.contains(m.from.as_str()) {
            problems.push(Problem::MigrationFromLiveState {
                state: m.from.clone(),
                to: m.to.clone(),
                site: Site::MigrationFrom(i),
            });
        }
    }
}

impl Flattener<'_> {
    /// The id of `key`, queued for exploring if new.
    fn intern(&mut self, key: Key) -> usize {
        if let Some(&id) = self.ids.get(&key) {
            return id;
        }
        let id = self.keys.len();
        self.keys.push(key.clone());
        self.ids.insert(key, id);
        self.queue.push_back(id);
        id
    }

    /// Builds the arms of every queued configuration, and of those they lead to.
    fn explore(&mut self, arms: &mut Vec<FlatArm>) -> Result<(), Vec<Problem>> {
        while let Some(id) = self.queue.pop_front() {
            if self.keys.len() > MAX_CONFIGURATIONS {
                return Err(vec![Problem::TooManyConfigurations {
                    count: self.keys.len(),
                    max: MAX_CONFIGURATIONS,
                    exact: false,
                }]);
            }
            // Most events have no arm out of a given configuration: only
            // those with a source among its active states are walked.
            let mut active = vec![false; self.tree.root + 1];
            for &leaf in &self.keys[id].leaves {
                let mut s = leaf;
                while s != self.tree.root && !active[s] {
                    active[s] = true;
                    s = self.tree.parent[s];
                }
            }
            for event in 0..self.tree.spec.events.len() {
                let relevant = self.by_source[event].keys().any(|&s| active[s])
                    || self.by_done[event].keys().any(|&s| active[s]);
                if !relevant {
                    continue;
                }
                if arms.len() > MAX_TRANSITIONS {
                    return Err(vec![Problem::TooManyTransitions {
                        max: MAX_TRANSITIONS,
                    }]);
                }
                for (to, candidates) in self.moves(id, event) {
                    let (exits, entries) = self.left_and_entered(id, &to, event, &candidates);
                    let to = self.intern(to);
                    let arm_of = |c: &Candidate| &self.tree.spec.events[event].arms[c.arm];
                    arms.push(FlatArm {
                        from: id,
                        event,
                        to,
                        guard: candidates.iter().find_map(|c| arm_of(c).guard.clone()),
                        action: candidates.iter().find_map(|c| arm_of(c).action.clone()),
                        origins: candidates
                            .iter()
                            .map(|c| SpecArm {
                                arm: c.arm,
                                source: c.source,
                            })
                            .collect(),
                        exits,
                        entries,
                    });
                }
            }
        }
        Ok(())
    }

    /// Which states each configuration built so far has active.
    fn ever_active(&self) -> Vec<bool> {
        let mut active = vec![false; self.tree.root + 1];
        for key in &self.keys {
            for &leaf in &key.leaves {
                let mut s = leaf;
                while s != self.tree.root && !active[s] {
                    active[s] = true;
                    s = self.tree.parent[s];
                }
            }
        }
        active
    }

    /// The configuration entering `target` from outside the machine: the
    /// initial one for the root.
    fn entered_from_root(&self, target: usize) -> Key {
        let mut leaves = Vec::new();
        let path = self.path_below(self.tree.root, target);
        match path.split_first() {
            Some((&first, rest)) => self.enter(first, rest, &BTreeMap::new(), &mut leaves),
            None => self.enter(self.tree.root, &[], &BTreeMap::new(), &mut leaves),
        }
        self.canonical(leaves, BTreeMap::new())
    }

    /// The states strictly below `domain` down to `target`, outermost first.
    fn path_below(&self, domain: usize, target: usize) -> Vec<usize> {
        let mut path = Vec::new();
        let mut s = target;
        while s != domain && s != self.tree.root {
            path.push(s);
            s = self.tree.parent[s];
        }
        path.reverse();
        path
    }

    /// A configuration's name: its leaves' paths, and what it remembers.
    fn name(&self, key: &Key) -> String {
        let t = &self.tree;
        let mut name = key
            .leaves
            .iter()
            .map(|&l| t.path[l].as_str())
            .collect::<Vec<_>>()
            .join(",");
        if !key.memory.is_empty() {
            let remembered: Vec<&str> = key
                .memory
                .iter()
                .map(|&(_, c)| t.path[c].as_str())
                .collect();
            name.push('[');
            name.push_str(&remembered.join(","));
            name.push(']');
        }
        name
    }

    /// The timers of each configuration: those of its active states whose
    /// event has an arm out of it, one per event (the first declared).
    fn timers(&self, arms: &[FlatArm]) -> Vec<FlatTimer> {
        let t = &self.tree;
        let events: HashMap<&str, usize> = t
            .spec
            .events
            .iter()
            .enumerate()
            .map(|(i, e)| (e.name.as_str(), i))
            .collect();
        let states: HashMap<&str, usize> = t
            .spec
            .states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.as_str(), i))
            .collect();
        let leaves_by: std::collections::HashSet<(usize, usize)> =
            arms.iter().map(|a| (a.from, a.event)).collect();
        let mut timers = Vec::new();
        for (id, key) in self.keys.iter().enumerate() {
            let mut seen = Vec::new();
            for timer in &t.spec.timers {
                let (Some(&state), Some(&event)) = (
                    states.get(timer.state.as_str()),
                    events.get(timer.event.as_str()),
                ) else {
                    continue;
                };
                let active = key.leaves.iter().any(|&l| t.contains(state, l));
                if active && leaves_by.contains(&(id, event)) && !seen.contains(&event) {
                    seen.push(event);
                    timers.push(FlatTimer {
                        configuration: id,
                        state,
                        event,
                        after_ms: timer.after_ms,
                    });
                }
            }
        }
        timers
    }
}
