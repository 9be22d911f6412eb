//! The spec's states as a tree, for the flattening.

use std::collections::HashMap;

use crate::spec::{MachineSpec, StateKind};

/// The spec's states as a tree under a virtual root, a compound state
/// whose initial child is the machine's initial state.
pub(crate) struct Tree<'a> {
    pub(super) spec: &'a MachineSpec,
    pub(super) root: usize,
    pub(super) parent: Vec<usize>,
    pub(super) children: Vec<Vec<usize>>,
    pub(super) kind: Vec<StateKind>,
    pub(super) initial_child: Vec<usize>,
    /// Each state's rank in a depth-first walk, children in declaration
    /// order: the order leaves are listed in.
    pub(super) rank: Vec<usize>,
    pub(super) path: Vec<String>,
    pub(super) depth: Vec<usize>,
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
    pub(super) fn contains(&self, a: usize, d: usize) -> bool {
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
    pub(super) fn domain(&self, source: usize, target: usize) -> usize {
        let mut d = self.parent[source];
        while d != self.root
            && (d == target || !self.contains(d, target) || self.kind[d] == StateKind::Parallel)
        {
            d = self.parent[d];
        }
        d
    }

    /// How many sets of leaves can be active at once below `s`.
    pub(super) fn leaf_sets(&self, s: usize) -> usize {
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
