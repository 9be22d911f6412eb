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
//!   takes precedence over the arms of the regions it would leave;
//! - `done(p)` is a source only where every active leaf inside `p` is final.

use std::collections::{BTreeMap, HashMap, VecDeque};

use crate::configuration::{Remembered, SpecArm};
use crate::problem::{Problem, Site};
use crate::spec::{MachineSpec, StateKind};

/// The most configurations a definition holds: a parallel state's
/// configurations are the product of its regions', which grows fast.
pub const MAX_CONFIGURATIONS: usize = 4096;

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
}

pub(crate) struct FlatTimer {
    pub(crate) configuration: usize,
    pub(crate) event: usize,
    pub(crate) after_ms: u64,
}

/// The spec's states as a tree under a virtual root, a compound state
/// whose initial child is the machine's initial state.
pub(crate) struct Tree<'a> {
    spec: &'a MachineSpec,
    root: usize,
    parent: Vec<usize>,
    children: Vec<Vec<usize>>,
    kind: Vec<StateKind>,
    initial_child: Vec<usize>,
    /// Each state's rank in a depth-first walk, children in declaration
    /// order: the order leaves are listed in.
    rank: Vec<usize>,
    path: Vec<String>,
    depth: Vec<usize>,
}

impl<'a> Tree<'a> {
    /// The tree of a spec whose structure the hierarchy rules accepted.
    pub(crate) fn new(spec: &'a MachineSpec) -> Tree<'a> {
        let n = spec.states.len();
        let root = n;
        let mut index = HashMap::new();
        for (i, s) in spec.states.iter().enumerate() {
            index.entry(s.name.as_str()).or_insert(i);
        }
        let mut parent = vec![root; n + 1];
        let mut children = vec![Vec::new(); n + 1];
        let mut initial_child = vec![usize::MAX; n + 1];
        for (i, s) in spec.states.iter().enumerate() {
            let p = s
                .parent
                .as_deref()
                .and_then(|p| index.get(p).copied())
                .unwrap_or(root);
            parent[i] = p;
            children[p].push(i);
            if s.initial && initial_child[p] == usize::MAX {
                initial_child[p] = i;
            }
        }
        let mut kind: Vec<StateKind> = spec.states.iter().map(|s| s.kind).collect();
        kind.push(StateKind::Compound);
        let mut rank = vec![0; n + 1];
        let mut depth = vec![0; n + 1];
        let mut path = vec![String::new(); n + 1];
        let mut stack: Vec<usize> = children[root].iter().rev().copied().collect();
        let mut next = 0;
        while let Some(s) = stack.pop() {
            rank[s] = next;
            next += 1;
            let p = parent[s];
            depth[s] = if p == root { 0 } else { depth[p] + 1 };
            path[s] = if p == root {
                spec.states[s].name.clone()
            } else {
                format!("{}.{}", path[p], spec.states[s].name)
            };
            stack.extend(children[s].iter().rev());
        }
        Tree {
            spec,
            root,
            parent,
            children,
            kind,
            initial_child,
            rank,
            path,
            depth,
        }
    }

    /// Whether `a` is `d` or one of its ancestors.
    fn contains(&self, a: usize, d: usize) -> bool {
        let mut s = d;
        loop {
            if s == a {
                return true;
            }
            if s == self.root {
                return false;
            }
            s = self.parent[s];
        }
    }

    /// The nearest compound state (or the root) strictly above both the
    /// source and the target of an arm: what the arm leaves and enters
    /// below.
    fn domain(&self, source: usize, target: usize) -> usize {
        let mut d = self.parent[source];
        while d != self.root
            && (d == target || !self.contains(d, target) || self.kind[d] == StateKind::Parallel)
        {
            d = self.parent[d];
        }
        d
    }

    /// How many sets of leaves can be active at once below `s`.
    fn leaf_sets(&self, s: usize) -> usize {
        match self.kind[s] {
            _ if self.children[s].is_empty() => 1,
            StateKind::Parallel => self.children[s]
                .iter()
                .fold(1usize, |n, &r| n.saturating_mul(self.leaf_sets(r))),
            _ => self.children[s]
                .iter()
                .fold(0usize, |n, &c| n.saturating_add(self.leaf_sets(c))),
        }
    }
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
            for event in 0..self.tree.spec.events.len() {
                for (to, candidates) in self.moves(id, event) {
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

    /// Enters `s`, then `path` below it, then the default of what remains.
    fn enter(
        &self,
        s: usize,
        path: &[usize],
        memory: &BTreeMap<usize, usize>,
        leaves: &mut Vec<usize>,
    ) {
        let t = &self.tree;
        if t.children[s].is_empty() {
            leaves.push(s);
            return;
        }
        match t.kind[s] {
            StateKind::Parallel => {
                for &region in &t.children[s] {
                    match path.split_first() {
                        Some((&next, rest)) if next == region => {
                            self.enter(region, rest, memory, leaves);
                        }
                        _ => self.enter(region, &[], memory, leaves),
                    }
                }
            }
            _ => match path.split_first() {
                Some((&next, rest)) => self.enter(next, rest, memory, leaves),
                None => {
                    let remembered = (s != t.root && t.spec.states[s].history)
                        .then(|| memory.get(&s).copied())
                        .flatten();
                    let child = remembered.unwrap_or(t.initial_child[s]);
                    self.enter(child, &[], memory, leaves);
                }
            },
        }
    }

    /// Leaves in rank order; memory only of inactive history states
    /// remembering another child than their initial one, and none once
    /// the machine's life has ended.
    fn canonical(&self, mut leaves: Vec<usize>, mut memory: BTreeMap<usize, usize>) -> Key {
        let t = &self.tree;
        leaves.sort_by_key(|&l| t.rank[l]);
        let ended = leaves
            .iter()
            .all(|&l| t.parent[l] == t.root && t.spec.states[l].is_final);
        memory.retain(|&h, &mut child| {
            !ended && child != t.initial_child[h] && !leaves.iter().any(|&l| t.contains(h, l))
        });
        let mut memory: Vec<(usize, usize)> = memory.into_iter().collect();
        memory.sort_by_key(|&(h, _)| t.rank[h]);
        Key { leaves, memory }
    }

    /// Whether every active leaf inside `p` is final (and `p` is active).
    fn is_done(&self, key: &Key, p: usize) -> bool {
        let mut inside = key
            .leaves
            .iter()
            .filter(|&&l| self.tree.contains(p, l))
            .peekable();
        inside.peek().is_some() && inside.all(|&l| self.tree.spec.states[l].is_final)
    }

    /// The arms `event` may take from `leaf` upward: the deepest state
    /// with arms of it first, then outer ones while every arm so far has
    /// a guard.
    fn walk(&self, key: &Key, leaf: usize, event: usize) -> Vec<Candidate> {
        let t = &self.tree;
        let mut found = Vec::new();
        let mut s = leaf;
        while s != t.root {
            let mut level: Vec<Candidate> =
                self.by_source[event].get(&s).cloned().unwrap_or_default();
            if self.is_done(key, s)
                && let Some(done) = self.by_done[event].get(&s)
            {
                level.extend(done);
                level.sort_by_key(|c| c.arm);
            }
            let has_else = level
                .iter()
                .any(|c| t.spec.events[event].arms[c.arm].guard.is_none());
            found.extend(level);
            if has_else {
                break;
            }
            s = t.parent[s];
        }
        found
    }

    /// The state an arm leads to.
    fn target(&self, event: usize, c: &Candidate) -> usize {
        self.targets[event][c.arm]
    }

    /// Takes the arms `candidates` together from `leaves`/`memory`.
    fn apply(&self, key: &Key, event: usize, candidates: &[Candidate]) -> Key {
        let t = &self.tree;
        let mut leaves = key.leaves.clone();
        let mut memory: BTreeMap<usize, usize> = key.memory.iter().copied().collect();
        for c in candidates {
            let target = self.target(event, c);
            let domain = t.domain(c.state, target);
            // Leave: every active state below the domain, each history
            // state among them remembering its active child.
            let (left, kept): (Vec<usize>, Vec<usize>) =
                leaves.iter().partition(|&&l| t.contains(domain, l));
            for &l in &left {
                let mut s = l;
                while t.parent[s] != domain {
                    let p = t.parent[s];
                    if t.spec.states[p].history {
                        memory.insert(p, s);
                    }
                    s = p;
                }
            }
            leaves = kept;
            let path = self.path_below(domain, target);
            if let Some((&first, rest)) = path.split_first() {
                self.enter(first, rest, &memory, &mut leaves);
            }
        }
        self.canonical(leaves, memory)
    }

    /// Where `event` may lead from configuration `id`, each with the arms
    /// taken: the alternatives in the order they are tried.
    fn moves(&self, id: usize, event: usize) -> Vec<(Key, Vec<Candidate>)> {
        let t = &self.tree;
        let key = &self.keys[id];
        let walks: Vec<Vec<Candidate>> = key
            .leaves
            .iter()
            .map(|&l| self.walk(key, l, event))
            .filter(|w| !w.is_empty())
            .collect();
        // One group per distinct first source: leaves of one region, or
        // of several regions reaching the same outer arm, share it.
        let mut groups: Vec<&Vec<Candidate>> = Vec::new();
        for w in &walks {
            if !groups.iter().any(|g| g[0].state == w[0].state) {
                groups.push(w);
            }
        }
        let alternatives = |walk: &Vec<Candidate>| {
            walk.iter()
                .map(|c| (self.apply(key, event, &[*c]), vec![*c]))
                .collect::<Vec<_>>()
        };
        match groups.as_slice() {
            [] => Vec::new(),
            [only] => alternatives(only),
            _ => {
                // The first level of a group: the arms of its first source.
                let first = |g: &Vec<Candidate>| {
                    g.iter()
                        .take_while(|c| c.state == g[0].state)
                        .copied()
                        .collect::<Vec<_>>()
                };
                let domains = |g: &Vec<Candidate>| {
                    first(g)
                        .iter()
                        .map(|c| t.domain(c.state, self.target(event, c)))
                        .collect::<Vec<_>>()
                };
                let height = |g: &Vec<Candidate>| {
                    domains(g)
                        .iter()
                        .map(|&d| if d == t.root { 0 } else { t.depth[d] + 1 })
                        .min()
                        .unwrap_or(0)
                };
                let mut order: Vec<usize> = (0..groups.len()).collect();
                order.sort_by_key(|&g| height(groups[g]));
                let mut taken: Vec<usize> = Vec::new();
                for g in order {
                    let conflicts = taken.iter().any(|&h| {
                        domains(groups[g])
                            .iter()
                            .any(|&d| t.contains(d, groups[h][0].state))
                            || domains(groups[h])
                                .iter()
                                .any(|&d| t.contains(d, groups[g][0].state))
                    });
                    if !conflicts {
                        taken.push(g);
                    }
                }
                if let [only] = taken.as_slice() {
                    return alternatives(groups[*only]);
                }
                taken.sort_unstable();
                // Regions moving together: the rules allow neither guard
                // nor action there but on one of them, so one arm each.
                let together: Vec<Candidate> = taken.iter().map(|&g| groups[g][0]).collect();
                vec![(self.apply(key, event, &together), together)]
            }
        }
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
                        event,
                        after_ms: timer.after_ms,
                    });
                }
            }
        }
        timers
    }
}
