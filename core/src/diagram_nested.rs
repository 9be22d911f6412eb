//! Diagrams of a machine with compound and parallel states, drawn from its
//! spec rather than from its configurations: a compound state is a box
//! holding its children, a parallel state a box of regions, as a reader
//! drew them. (The SVG draws the configurations: see `svg.rs`.)

use std::collections::HashMap;
use std::fmt::Write;

use crate::definition::Definition;
use crate::flatten::done_of;
use crate::spec::{ArmSpec, StateKind};

/// The spec's tree, by index: `children[n]` holds the top-level states.
struct Nesting {
    parent: Vec<Option<usize>>,
    children: Vec<Vec<usize>>,
    index: HashMap<String, usize>,
}

/// One arm from one source, as drawn.
struct Arrow<'a> {
    from: usize,
    to: usize,
    event: &'a str,
    arm: &'a ArmSpec,
    done: bool,
}

impl Definition {
    fn nesting(&self) -> Nesting {
        let states = &self.spec().states;
        let index: HashMap<String, usize> = states
            .iter()
            .enumerate()
            .map(|(i, s)| (s.name.clone(), i))
            .collect();
        let parent: Vec<Option<usize>> = states
            .iter()
            .map(|s| s.parent.as_ref().and_then(|p| index.get(p).copied()))
            .collect();
        let mut children = vec![Vec::new(); states.len() + 1];
        for (i, p) in parent.iter().enumerate() {
            children[p.unwrap_or(states.len())].push(i);
        }
        Nesting {
            parent,
            children,
            index,
        }
    }

    /// Every arm, one arrow per source, with the box it is drawn in: the
    /// innermost compound state holding both ends (`None`: the top).
    fn nested_arrows<'a>(&'a self, nesting: &Nesting) -> Vec<(Option<usize>, Arrow<'a>)> {
        let ancestors = |mut s: usize| {
            let mut all = vec![s];
            while let Some(p) = nesting.parent[s] {
                all.push(p);
                s = p;
            }
            all
        };
        let mut arrows = Vec::new();
        for event in &self.spec().events {
            for arm in &event.arms {
                let Some(&to) = nesting.index.get(&arm.to) else {
                    continue;
                };
                for source in &arm.from {
                    let done = done_of(source);
                    let Some(&from) = nesting.index.get(done.unwrap_or(source)) else {
                        continue;
                    };
                    let above_to = ancestors(to);
                    let mut holder = nesting.parent[from];
                    while let Some(h) = holder {
                        let kind = self.spec().states[h].kind;
                        if above_to.contains(&h) && h != to && kind != StateKind::Parallel {
                            break;
                        }
                        holder = nesting.parent[h];
                    }
                    arrows.push((
                        holder,
                        Arrow {
                            from,
                            to,
                            event: &event.name,
                            arm,
                            done: done.is_some(),
                        },
                    ));
                }
            }
        }
        arrows
    }

    fn nested_label(&self, arrow: &Arrow<'_>) -> String {
        let mut label = arrow.event.to_owned();
        if arrow.done {
            label.push_str(" (when done)");
        }
        if let Some(g) = &arrow.arm.guard {
            let _ = write!(label, " [{g}]");
        }
        let from = &self.spec().states[arrow.from].name;
        if let Some(t) = self
            .spec()
            .timers
            .iter()
            .find(|t| t.state == *from && t.event == arrow.event)
        {
            let _ = write!(
                label,
                " (after {})",
                super::diagram::delay(std::time::Duration::from_millis(t.after_ms))
            );
        }
        label
    }

    /// The Mermaid form of a machine with compound or parallel states.
    pub(crate) fn nested_mermaid(&self) -> String {
        let nesting = self.nesting();
        let arrows = self.nested_arrows(&nesting);
        let mut out = String::from("stateDiagram-v2\n");
        self.mermaid_box(&nesting, &arrows, None, 1, &mut out);
        for (i, s) in self.spec().states.iter().enumerate() {
            if s.history {
                let _ = writeln!(
                    out,
                    "    note right of {}: history (enters the child it was left in)",
                    self.spec().states[i].name
                );
            }
        }
        out
    }

    fn mermaid_box(
        &self,
        nesting: &Nesting,
        arrows: &[(Option<usize>, Arrow<'_>)],
        holder: Option<usize>,
        depth: usize,
        out: &mut String,
    ) {
        let states = &self.spec().states;
        let pad = "    ".repeat(depth);
        let children = &nesting.children[holder.unwrap_or(states.len())];
        let parallel = holder.is_some_and(|h| states[h].kind == StateKind::Parallel);
        if !parallel && let Some(&initial) = children.iter().find(|&&c| states[c].initial) {
            let _ = writeln!(out, "{pad}[*] --> {}", states[initial].name);
        }
        for (n, &child) in children.iter().enumerate() {
            if parallel && n > 0 {
                let _ = writeln!(out, "{pad}--");
            }
            if nesting.children[child].is_empty() {
                // Declared in its box, so that an arrow drawn outside it
                // names this state rather than a new one.
                let _ = writeln!(out, "{pad}{}", states[child].name);
                continue;
            }
            let _ = writeln!(out, "{pad}state {} {{", states[child].name);
            self.mermaid_box(nesting, arrows, Some(child), depth + 1, out);
            let _ = writeln!(out, "{pad}}}");
        }
        for (_, arrow) in arrows.iter().filter(|(h, _)| *h == holder) {
            let _ = writeln!(
                out,
                "{pad}{} --> {}: {}",
                states[arrow.from].name,
                states[arrow.to].name,
                self.nested_label(arrow)
            );
        }
        for &child in children {
            if states[child].is_final {
                let _ = writeln!(out, "{pad}{} --> [*]", states[child].name);
            }
        }
    }

    /// The DOT form of a machine with compound or parallel states: each
    /// holds a cluster; an arrow to or from one ends at its border.
    pub(crate) fn nested_dot(&self) -> String {
        let nesting = self.nesting();
        let arrows = self.nested_arrows(&nesting);
        let states = &self.spec().states;
        let mut out = format!("digraph \"{}\" {{\n", self.name());
        out.push_str("    rankdir=LR;\n    compound=true;\n    node [shape=circle];\n");
        out.push_str("    \"__start\" [shape=point, label=\"\"];\n");
        self.dot_box(&nesting, None, 1, &mut out);
        // A box is reached through its first leaf, the arrow clipped at
        // the box's border.
        let anchor = |mut s: usize| {
            while let Some(&first) = nesting.children[s].first() {
                s = first;
            }
            s
        };
        if let Some(&initial) = nesting.children[states.len()]
            .iter()
            .find(|&&c| states[c].initial)
        {
            let _ = writeln!(
                out,
                "    \"__start\" -> \"{}\";",
                states[anchor(initial)].name
            );
        }
        for (_, arrow) in &arrows {
            let mut attributes = format!("label=\"{}\"", self.nested_label(arrow));
            if !nesting.children[arrow.from].is_empty() {
                let _ = write!(
                    attributes,
                    ", ltail=\"cluster_{}\"",
                    states[arrow.from].name
                );
            }
            if !nesting.children[arrow.to].is_empty() {
                let _ = write!(attributes, ", lhead=\"cluster_{}\"", states[arrow.to].name);
            }
            let _ = writeln!(
                out,
                "    \"{}\" -> \"{}\" [{attributes}];",
                states[anchor(arrow.from)].name,
                states[anchor(arrow.to)].name,
            );
        }
        out.push_str("}\n");
        out
    }

    fn dot_box(&self, nesting: &Nesting, holder: Option<usize>, depth: usize, out: &mut String) {
        let states = &self.spec().states;
        let pad = "    ".repeat(depth);
        for &child in &nesting.children[holder.unwrap_or(states.len())] {
            let s = &states[child];
            if nesting.children[child].is_empty() {
                if s.is_final {
                    let _ = writeln!(out, "{pad}\"{}\" [shape=doublecircle];", s.name);
                } else {
                    let _ = writeln!(out, "{pad}\"{}\";", s.name);
                }
                continue;
            }
            let style = match (s.kind, s.history) {
                (StateKind::Parallel, _) => " (parallel)",
                (_, true) => " (H)",
                _ => "",
            };
            let _ = writeln!(out, "{pad}subgraph \"cluster_{}\" {{", s.name);
            let _ = writeln!(out, "{pad}    label=\"{}{style}\";", s.name);
            if s.kind == StateKind::Parallel {
                let _ = writeln!(out, "{pad}    style=dashed;");
            }
            self.dot_box(nesting, Some(child), depth + 1, out);
            let _ = writeln!(out, "{pad}}}");
        }
    }
}
