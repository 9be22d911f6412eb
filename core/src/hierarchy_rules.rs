//! The rules of compound and parallel states: the shape of the tree of
//! states, before it is flattened (see `flatten`). Each rule pushes every
//! violation it finds, like those of `validate`.

use std::collections::BTreeMap;

use crate::flatten::done_of;
use crate::problem::{Problem, Site};
use crate::spec::{MachineSpec, StateKind};

/// The parent of each state by index, where it names a known state.
pub(crate) fn parents(spec: &MachineSpec, states: &BTreeMap<&str, usize>) -> Vec<Option<usize>> {
    spec.states
        .iter()
        .map(|s| s.parent.as_deref().and_then(|p| states.get(p).copied()))
        .collect()
}

/// Whether `a` is `d` or an ancestor of it, in at most as many steps as
/// there are states (so a cycle of parents ends the walk).
pub(crate) fn is_ancestor_or_self(parents: &[Option<usize>], a: usize, d: usize) -> bool {
    let mut s = d;
    for _ in 0..=parents.len() {
        if s == a {
            return true;
        }
        match parents[s] {
            Some(p) => s = p,
            None => return false,
        }
    }
    false
}

/// Checks the tree of states; `true` if it is a tree (known parents that
/// hold children, no cycle), which the other rules and the flattening
/// need.
pub(crate) fn check_hierarchy(
    spec: &MachineSpec,
    states: &BTreeMap<&str, usize>,
    problems: &mut Vec<Problem>,
) -> bool {
    let parents = parents(spec, states);
    let known = check_parents(spec, &parents, problems);
    // A misspelt parent leaves its child at the top level for the other
    // rules; only a cycle leaves them no tree to look at.
    let acyclic = check_cycles(spec, &parents, problems);
    if acyclic {
        check_children(spec, &parents, problems);
        check_regions_share_events(spec, states, &parents, problems);
    }
    known && acyclic
}

// Rule: a parent names a compound or parallel state.
fn check_parents(
    spec: &MachineSpec,
    parents: &[Option<usize>],
    problems: &mut Vec<Problem>,
) -> bool {
    let mut ok = true;
    for (i, s) in spec.states.iter().enumerate() {
        let Some(parent) = &s.parent else {
            continue;
        };
        match parents[i] {
            None => {
                ok = false;
                problems.push(Problem::UnknownParent {
                    state: s.name.clone(),
                    parent: parent.clone(),
                    site: Site::State(i),
                });
            }
            Some(p) if spec.states[p].kind == StateKind::Atomic => {
                ok = false;
                problems.push(Problem::ParentNotComposite {
                    state: s.name.clone(),
                    parent: parent.clone(),
                    site: Site::State(i),
                });
            }
            Some(_) => {}
        }
    }
    ok
}

// Rule: no state is its own ancestor. Each cycle is reported once, at its
// first declared state.
fn check_cycles(
    spec: &MachineSpec,
    parents: &[Option<usize>],
    problems: &mut Vec<Problem>,
) -> bool {
    let mut ok = true;
    for (i, s) in spec.states.iter().enumerate() {
        let Some(p) = parents[i] else {
            continue;
        };
        if !is_ancestor_or_self(parents, i, p) {
            continue;
        }
        ok = false;
        let mut first = true;
        let mut m = p;
        while m != i {
            first &= m > i;
            m = parents[m].unwrap_or(i);
        }
        if first {
            problems.push(Problem::ParentCycle {
                state: s.name.clone(),
                site: Site::State(i),
            });
        }
    }
    ok
}

// Rules: a compound state has exactly one initial child; a parallel state
// has regions, each compound, none initial, each with a final state
// inside; history sits on a compound state with children; a state with
// children is not final.
fn check_children(spec: &MachineSpec, parents: &[Option<usize>], problems: &mut Vec<Problem>) {
    let children = |p: usize| (0..spec.states.len()).filter(move |&c| parents[c] == Some(p));
    for (i, s) in spec.states.iter().enumerate() {
        let site = Site::State(i);
        let has_children = children(i).next().is_some();
        if s.kind != StateKind::Atomic && s.is_final {
            problems.push(Problem::FinalWithChildren {
                state: s.name.clone(),
                site,
            });
        }
        if s.history {
            if s.kind == StateKind::Parallel {
                problems.push(Problem::HistoryOnParallel {
                    state: s.name.clone(),
                    site,
                });
            } else if !has_children {
                problems.push(Problem::HistoryWithoutChildren {
                    state: s.name.clone(),
                    site,
                });
            }
        }
        match s.kind {
            StateKind::Atomic => {}
            StateKind::Compound => {
                let mut initials = children(i).filter(|&c| spec.states[c].initial);
                match initials.next() {
                    None => problems.push(Problem::NoInitialChild {
                        state: s.name.clone(),
                        site,
                    }),
                    Some(first) => {
                        for other in initials {
                            problems.push(Problem::SeveralInitialChildren {
                                state: s.name.clone(),
                                first: spec.states[first].name.clone(),
                                name: spec.states[other].name.clone(),
                                site: Site::State(other),
                            });
                        }
                    }
                }
            }
            StateKind::Parallel => {
                if !has_children {
                    problems.push(Problem::ParallelWithoutRegions {
                        state: s.name.clone(),
                        site,
                    });
                }
                for region in children(i) {
                    let r = &spec.states[region];
                    let region_site = Site::State(region);
                    if r.initial {
                        problems.push(Problem::InitialRegion {
                            state: r.name.clone(),
                            parallel: s.name.clone(),
                            site: region_site,
                        });
                    }
                    if r.kind != StateKind::Compound {
                        problems.push(Problem::RegionNotCompound {
                            state: r.name.clone(),
                            parallel: s.name.clone(),
                            site: region_site,
                        });
                        continue;
                    }
                    let completes = (0..spec.states.len()).any(|d| {
                        d != region
                            && spec.states[d].is_final
                            && is_ancestor_or_self(parents, region, d)
                    });
                    if !completes {
                        problems.push(Problem::RegionWithoutFinal {
                            state: r.name.clone(),
                            site: region_site,
                        });
                    }
                }
            }
        }
    }
}

// Rule: an event that two regions of one parallel state accept has
// neither guard nor action in them (the regions move in one transition,
// which has one guard and one action at most).
fn check_regions_share_events(
    spec: &MachineSpec,
    states: &BTreeMap<&str, usize>,
    parents: &[Option<usize>],
    problems: &mut Vec<Problem>,
) {
    for (p, parallel) in spec.states.iter().enumerate() {
        if parallel.kind != StateKind::Parallel {
            continue;
        }
        let regions: Vec<usize> = (0..spec.states.len())
            .filter(|&c| parents[c] == Some(p))
            .collect();
        for (ei, event) in spec.events.iter().enumerate() {
            let mut accepting: Vec<usize> = Vec::new();
            let mut checked: Option<Site> = None;
            for (ai, arm) in event.arms.iter().enumerate() {
                for source in &arm.from {
                    let name = done_of(source).unwrap_or(source);
                    let Some(&s) = states.get(name) else {
                        continue;
                    };
                    let Some(&region) = regions
                        .iter()
                        .find(|&&r| is_ancestor_or_self(parents, r, s))
                    else {
                        continue;
                    };
                    if !accepting.contains(&region) {
                        accepting.push(region);
                    }
                    if checked.is_none() {
                        checked = if arm.guard.is_some() {
                            Some(Site::ArmGuard { event: ei, arm: ai })
                        } else if arm.action.is_some() {
                            Some(Site::ArmAction { event: ei, arm: ai })
                        } else {
                            None
                        };
                    }
                }
            }
            if let (true, Some(site)) = (accepting.len() > 1, checked) {
                problems.push(Problem::RegionsShareEvent {
                    event: event.name.clone(),
                    parallel: parallel.name.clone(),
                    site,
                });
            }
        }
    }
}

/// Whether timer state `state` and arm source `source` are one state, or
/// one holds the other: the source's arm can then fire in a
/// configuration where `state` is active.
pub(crate) fn related(
    parents: &[Option<usize>],
    states: &BTreeMap<&str, usize>,
    state: usize,
    source: &str,
) -> bool {
    let Some(&s) = states.get(done_of(source).unwrap_or(source)) else {
        return false;
    };
    is_ancestor_or_self(parents, s, state) || is_ancestor_or_self(parents, state, s)
}
