//! State diagrams of a [`Definition`]: Mermaid and Graphviz DOT.

use std::fmt::Write;

use crate::definition::{Definition, Transition};

impl Definition {
    /// The machine as a Mermaid `stateDiagram-v2`: `[*]` marks the initial
    /// and final states, a guard shows as `event [guard]` on its arrow.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let m = def.to_mermaid();
    /// assert!(m.starts_with("stateDiagram-v2\n"));
    /// assert!(m.contains("    [*] --> pending\n"));
    /// assert!(m.contains("    failed --> pending: retry [can_retry]\n"));
    /// assert!(m.contains("    completed --> [*]\n"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        let mut out = String::from("stateDiagram-v2\n");
        let _ = writeln!(out, "    [*] --> {}", self.state_name(self.initial()));
        for t in self.merged_arrows() {
            let _ = writeln!(
                out,
                "    {} --> {}: {}",
                self.state_name(t.from),
                self.state_name(t.to),
                self.label(t)
            );
        }
        for s in self.states().filter(|&s| self.is_final(s)) {
            let _ = writeln!(out, "    {} --> [*]", self.state_name(s));
        }
        out
    }

    /// The machine as a Graphviz DOT digraph: a point leads to the initial
    /// state, final states are double circles, guards show on the arrows.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let dot = def.to_dot();
    /// assert!(dot.starts_with("digraph \"task\" {\n"));
    /// assert!(dot.contains("\"completed\" [shape=doublecircle];"));
    /// assert!(dot.contains("\"failed\" -> \"pending\" [label=\"retry [can_retry]\"];"));
    /// ```
    pub fn to_dot(&self) -> String {
        let mut out = format!("digraph \"{}\" {{\n", self.name());
        out.push_str("    rankdir=LR;\n    node [shape=circle];\n");
        out.push_str("    \"__start\" [shape=point, label=\"\"];\n");
        for s in self.states().filter(|&s| self.is_final(s)) {
            let _ = writeln!(out, "    \"{}\" [shape=doublecircle];", self.state_name(s));
        }
        let _ = writeln!(
            out,
            "    \"__start\" -> \"{}\";",
            self.state_name(self.initial())
        );
        for t in self.merged_arrows() {
            let _ = writeln!(
                out,
                "    \"{}\" -> \"{}\" [label=\"{}\"];",
                self.state_name(t.from),
                self.state_name(t.to),
                self.label(t)
            );
        }
        out.push_str("}\n");
        out
    }

    /// One arrow per transition, in declaration order. Names are checked to
    /// be identifier-like paths, so nothing needs escaping in either format.
    fn merged_arrows(&self) -> impl Iterator<Item = &Transition> + '_ {
        self.transitions().iter()
    }

    fn label(&self, t: &Transition) -> String {
        let event = self.event_name(t.event);
        match &t.guard {
            Some(g) => format!("{event} [{g}]"),
            None => event.to_owned(),
        }
    }
}
