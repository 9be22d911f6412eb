//! Where an event leads from a configuration: which arms are taken, what
//! they leave and what they enter (the rules are in the parent module's
//! documentation).

use std::collections::BTreeMap;

use super::{Candidate, Flattener, Key};
use crate::spec::StateKind;

impl Flattener<'_> {
    /// Enters `s`, then `path` below it, then the default of what remains.
    pub(super) fn enter(
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
    pub(super) fn canonical(
        &self,
        mut leaves: Vec<usize>,
        mut memory: BTreeMap<usize, usize>,
    ) -> Key {
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
            if let Some(done) = self.by_done[event].get(&s)
                && self.is_done(key, s)
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

    /// The states taking `candidates` from configuration `id` to `to`
    /// leaves, in the order their exit actions run, and those it enters,
    /// in the order their entry actions run (the module's documentation
    /// says which): under each arm's domain, what was active and what is.
    pub(super) fn left_and_entered(
        &self,
        id: usize,
        to: &Key,
        event: usize,
        candidates: &[Candidate],
    ) -> (Vec<usize>, Vec<usize>) {
        let t = &self.tree;
        let (before, after) = (self.active(&self.keys[id]), self.active(to));
        let mut left = Vec::new();
        let mut entered = Vec::new();
        for c in candidates {
            let domain = t.domain(c.state, self.target(event, c));
            let below = |s: &usize| *s != domain && t.contains(domain, *s);
            left.extend(before.iter().copied().filter(below));
            entered.extend(after.iter().copied().filter(below));
        }
        left.sort_unstable_by_key(|&s| std::cmp::Reverse(t.rank[s]));
        left.dedup();
        entered.sort_unstable_by_key(|&s| t.rank[s]);
        entered.dedup();
        (left, entered)
    }

    /// Every state active in `key`: its leaves and their ancestors.
    fn active(&self, key: &Key) -> Vec<usize> {
        let t = &self.tree;
        let mut active = Vec::new();
        for &leaf in &key.leaves {
            let mut s = leaf;
            while s != t.root && !active.contains(&s) {
                active.push(s);
                s = t.parent[s];
            }
        }
        active
    }

    /// Where `event` may lead from configuration `id`, each with the arms
    /// taken: the alternatives in the order they are tried.
    pub(super) fn moves(&self, id: usize, event: usize) -> Vec<(Key, Vec<Candidate>)> {
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
        self.resolve(key, event, &groups)
    }

    /// The alternatives of `groups`, the walks of distinct first sources.
    fn resolve(
        &self,
        key: &Key,
        event: usize,
        groups: &[&Vec<Candidate>],
    ) -> Vec<(Key, Vec<Candidate>)> {
        let t = &self.tree;
        let alternatives = |walk: &Vec<Candidate>| {
            walk.iter()
                .map(|c| (self.apply(key, event, &[*c]), vec![*c]))
                .collect::<Vec<_>>()
        };
        match groups {
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
                    let mut tried = alternatives(groups[*only]);
                    // An outer arm whose guards all say no leaves the
                    // regions' own arms to be tried after it.
                    let guarded = groups[*only]
                        .last()
                        .is_some_and(|c| t.spec.events[event].arms[c.arm].guard.is_some());
                    if guarded {
                        let rest: Vec<&Vec<Candidate>> = groups
                            .iter()
                            .enumerate()
                            .filter(|&(g, _)| g != *only)
                            .map(|(_, g)| *g)
                            .collect();
                        for (to, arms) in self.resolve(key, event, &rest) {
                            let same = |(_, a): &(Key, Vec<Candidate>)| {
                                a.len() == arms.len()
                                    && a.iter()
                                        .zip(&arms)
                                        .all(|(x, y)| (x.arm, x.source) == (y.arm, y.source))
                            };
                            if !tried.iter().any(same) {
                                tried.push((to, arms));
                            }
                        }
                    }
                    return tried;
                }
                taken.sort_unstable();
                // Regions moving together: the rules allow neither guard
                // nor action there but on one of them, so one arm each.
                let together: Vec<Candidate> = taken.iter().map(|&g| groups[g][0]).collect();
                vec![(self.apply(key, event, &together), together)]
            }
        }
    }
}
