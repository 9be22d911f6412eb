//! State diagrams of a [`Definition`]: Mermaid and Graphviz DOT (and SVG,
//! in `svg.rs`, with the `svg` feature).

use std::fmt::Write;
use std::time::Duration;

use crate::definition::Definition;
use crate::transition::Transition;

impl Definition {
    /// The machine as a Mermaid `stateDiagram-v2`: `[*]` marks the initial
    /// and final states, a guard shows as `event [guard]` on its arrow and
    /// a timer as `event (after 30s)`.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let m = def.to_mermaid();
    /// assert!(m.starts_with("stateDiagram-v2\n"));
    /// assert!(m.contains("    [*] --> pending\n"));
    /// assert!(m.contains("    failed --> pending: retry [can_retry]\n"));
    /// assert!(m.contains("    completed --> [*]\n"));
    /// ```
    ///
    /// Guarded alternatives are one arrow each, in the order they are
    /// tried; the unguarded one, tried last, says `[else]`:
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
    /// let def = Definition::new(
    ///     MachineSpec::new("order")
    ///         .state(StateSpec::initial("submitted"))
    ///         .state(StateSpec::final_state("accepted"))
    ///         .state(StateSpec::final_state("rejected"))
    ///         .event(
    ///             EventSpec::new("decide")
    ///                 .arm(ArmSpec::new(["submitted"], "accepted").guard("good"))
    ///                 .arm(ArmSpec::new(["submitted"], "rejected")),
    ///         ),
    /// ).unwrap();
    /// let m = def.to_mermaid();
    /// assert!(m.contains("    submitted --> accepted: decide [good]\n    submitted --> rejected: decide [else]\n"));
    /// assert!(def.to_dot().contains("\"submitted\" -> \"rejected\" [label=\"decide [else]\"];"));
    /// ```
    ///
    /// A timer's delay shows on its arm, in every format:
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec, TimerSpec};
    /// let def = Definition::new(
    ///     MachineSpec::new("breaker")
    ///         .state(StateSpec::initial("closed"))
    ///         .state(StateSpec::new("open"))
    ///         .event(EventSpec::new("trip").arm(ArmSpec::new(["closed"], "open")))
    ///         .event(EventSpec::new("reset").arm(ArmSpec::new(["open"], "closed")))
    ///         .timer(TimerSpec::new("open", "reset", 200)),
    /// ).unwrap();
    /// assert!(def.to_mermaid().contains("    open --> closed: reset (after 200ms)\n"));
    /// assert!(def.to_dot().contains("\"open\" -> \"closed\" [label=\"reset (after 200ms)\"];"));
    /// ```
    ///
    /// A compound state is a box holding its children, a parallel state a
    /// box whose regions `--` separates (see the rest of this section), an
    /// arrow is drawn per spec arm, `(when done)` on a `done(..)` arm:
    ///
    /// ```
    /// use stateforge_core::{ArmSpec, Definition, EventSpec, MachineSpec, StateSpec};
    /// let def = Definition::new(
    ///     MachineSpec::new("task")
    ///         .state(StateSpec::initial("pending"))
    ///         .state(StateSpec::compound("active"))
    ///         .state(StateSpec::initial("assigned").child_of("active"))
    ///         .state(StateSpec::new("in_progress").child_of("active"))
    ///         .state(StateSpec::final_state("cancelled"))
    ///         .event(EventSpec::new("assign").arm(ArmSpec::new(["pending"], "active")))
    ///         .event(EventSpec::new("start").arm(ArmSpec::new(["assigned"], "in_progress")))
    ///         .event(EventSpec::new("cancel").arm(ArmSpec::new(["active"], "cancelled"))),
    /// ).unwrap();
    /// let m = def.to_mermaid();
    /// assert!(m.contains("    state active {\n        [*] --> assigned\n"));
    /// assert!(m.contains("        assigned --> in_progress: start\n    }\n"));
    /// assert!(m.contains("    active --> cancelled: cancel\n"));
    /// assert!(def.to_dot().contains("    subgraph \"cluster_active\" {\n"));
    /// ```
    pub fn to_mermaid(&self) -> String {
        if self.is_hierarchical() {
            return self.nested_mermaid();
        }
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
    /// state, final states are double circles, guards and timers show on
    /// the arrows.
    ///
    /// ```
    /// # let def = stateforge_core::Definition::example();
    /// let dot = def.to_dot();
    /// assert!(dot.starts_with("digraph \"task\" {\n"));
    /// assert!(dot.contains("\"completed\" [shape=doublecircle];"));
    /// assert!(dot.contains("\"failed\" -> \"pending\" [label=\"retry [can_retry]\"];"));
    /// ```
    pub fn to_dot(&self) -> String {
        if self.is_hierarchical() {
            return self.nested_dot();
        }
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
    pub(crate) fn merged_arrows(&self) -> impl Iterator<Item = &Transition> + '_ {
        self.transitions().iter()
    }

    /// `event`, `event [guard]`, `event (after 30s)`: the arrow's label in
    /// every format. Of guarded alternatives, each shows its guard and
    /// the unguarded one tried last shows `[else]`.
    pub(crate) fn label(&self, t: &Transition) -> String {
        let mut label = self.event_name(t.event).to_owned();
        if let Some(g) = &t.guard {
            let _ = write!(label, " [{g}]");
        } else if self.has_alternatives(t.from, t.event) {
            label.push_str(" [else]");
        }
        if let Some(timer) = self.timers_of(t.from).find(|timer| timer.event == t.event) {
            let _ = write!(label, " (after {})", delay(timer.after));
        }
        label
    }
}

/// A delay as the DSL writes it: the largest of `h`, `min`, `s`, `ms` that
/// divides it.
pub(crate) fn delay(after: Duration) -> String {
    let ms = after.as_millis();
    [(3_600_000, "h"), (60_000, "min"), (1_000, "s")]
        .into_iter()
        .find(|&(unit, _)| ms != 0 && ms.is_multiple_of(unit))
        .map_or_else(
            || format!("{ms}ms"),
            |(unit, name)| format!("{}{name}", ms / unit),
        )
}

#[cfg(test)]
mod tests {
    use super::delay;
    use std::time::Duration;

    #[test]
    fn delays_read_as_the_dsl_writes_them() {
        let ms = Duration::from_millis;
        assert_eq!(delay(ms(200)), "200ms");
        assert_eq!(delay(ms(1_500)), "1500ms");
        assert_eq!(delay(ms(30_000)), "30s");
        assert_eq!(delay(ms(120_000)), "2min");
        assert_eq!(delay(ms(7_200_000)), "2h");
        assert_eq!(delay(ms(0)), "0ms");
    }
}
