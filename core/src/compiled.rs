//! The form in which the `state_machine!` macro hands its checked spec to
//! the generated code: a few string literals instead of a chain of builder
//! calls, so that a large machine costs the compiler a handful of tokens.
//! The text mirrors the macro's own syntax:
//!
//! - states: `initial pending, assigned, final completed, open entry arm
//!   exit disarm`: comma-separated, each a name after its flags (`initial`,
//!   `final`, `history`, `compound`, `parallel`), then `in parent` for a
//!   child state, then its entry and exit actions, if any;
//! - events: `fail: assigned | in_progress -> failed, x -> y if guard => action; ...`:
//!   semicolon-separated, each a name, `:`, then its arms, comma-separated;
//! - timers: `open reset 30000, ...`: state, event, milliseconds;
//! - migrations, for a machine that declares some: `escalated -> failed
//!   with path, ...`: from, to, and the function, if any.
//!
//! Names never hold a space, `,`, `;`, `|` or `:` (see
//! [`is_valid_name`](crate::is_valid_name)), and guard and action paths only
//! `::`, so each separator is unambiguous. Reading never fails: whatever it
//! reads goes through [`Definition::new`]'s checks.

use crate::definition::Definition;
use crate::migration::MigrationSpec;
use crate::spec::{ArmSpec, Checks, EventSpec, MachineSpec, StateKind, StateSpec, TimerSpec};

impl MachineSpec {
    /// The spec's states, events and timers in the text the generated code
    /// reads back with [`Definition::__compiled`] (for the macro).
    ///
    /// ```
    /// # let spec = stateforge_core::Definition::example().spec().clone();
    /// let (states, events, timers) = spec.__to_text();
    /// assert!(states.starts_with("initial pending, assigned"));
    /// assert!(events.starts_with("assign: pending -> assigned; "));
    /// assert_eq!(timers, "");
    /// ```
    #[doc(hidden)]
    pub fn __to_text(&self) -> (String, String, String) {
        let states = self
            .states
            .iter()
            .map(|s| {
                let initial = if s.initial { "initial " } else { "" };
                let is_final = if s.is_final { "final " } else { "" };
                let kind = match s.kind {
                    StateKind::Atomic => "",
                    StateKind::Compound => "compound ",
                    StateKind::Parallel => "parallel ",
                };
                let history = if s.history { "history " } else { "" };
                let mut state = format!("{initial}{is_final}{history}{kind}{}", s.name);
                if let Some(parent) = &s.parent {
                    state.push_str(&format!(" in {parent}"));
                }
                for (keyword, action) in [("entry", &s.entry), ("exit", &s.exit)] {
                    if let Some(action) = action {
                        state.push_str(&format!(" {keyword} {action}"));
                    }
                }
                state
            })
            .collect::<Vec<_>>()
            .join(", ");
        let events = self
            .events
            .iter()
            .map(|e| {
                let arms = e
                    .arms
                    .iter()
                    .map(|a| {
                        let mut arm = format!("{} -> {}", a.from.join(" | "), a.to);
                        if let Some(guard) = &a.guard {
                            arm.push_str(" if ");
                            arm.push_str(guard);
                        }
                        if let Some(action) = &a.action {
                            arm.push_str(" => ");
                            arm.push_str(action);
                        }
                        arm
                    })
                    .collect::<Vec<_>>()
                    .join(", ");
                format!("{}: {arms}", e.name)
            })
            .collect::<Vec<_>>()
            .join("; ");
        let timers = self
            .timers
            .iter()
            .map(|t| format!("{} {} {}", t.state, t.event, t.after_ms))
            .collect::<Vec<_>>()
            .join(", ");
        (states, events, timers)
    }

    /// The spec's migrations in the text [`Definition::__compiled_migrating`]
    /// reads back (for the macro).
    ///
    /// ```
    /// use stateforge_core::{MachineSpec, MigrationSpec};
    /// let spec = MachineSpec::new("job")
    ///     .migration(MigrationSpec::renamed("in_progress", "running"))
    ///     .migration(MigrationSpec::data_changed("failed", "v1::failed"));
    /// assert_eq!(spec.__migrations_text(), "in_progress -> running, failed -> failed with v1::failed");
    /// ```
    #[doc(hidden)]
    pub fn __migrations_text(&self) -> String {
        self.migrations
            .iter()
            .map(|m| match &m.with {
                Some(with) => format!("{} -> {} with {with}", m.from, m.to),
                None => format!("{} -> {}", m.from, m.to),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Reads back what [`MachineSpec::__to_text`] wrote.
    ///
    /// ```
    /// # let spec = stateforge_core::Definition::example().spec().clone();
    /// let (states, events, timers) = spec.__to_text();
    /// let back = stateforge_core::MachineSpec::__from_text(
    ///     "task", &states, &events, &timers, spec.checks,
    /// );
    /// assert_eq!(back, spec);
    /// ```
    #[doc(hidden)]
    pub fn __from_text(
        name: &str,
        states: &str,
        events: &str,
        timers: &str,
        checks: Checks,
    ) -> MachineSpec {
        let states = items(states, ',')
            .map(|s| {
                let mut words: Vec<&str> = s.split_whitespace().collect();
                // The actions come after the name, each a keyword and a
                // path; read from the end, the name is what is left last,
                // whatever it is called (a state may be named `entry`); a
                // parent, written before them, is read next.
                let (mut entry, mut exit) = (None, None);
                while words.len() >= 3 {
                    let slot = match words[words.len() - 2] {
                        "entry" => &mut entry,
                        "exit" => &mut exit,
                        _ => break,
                    };
                    *slot = words.pop().map(str::to_owned);
                    words.pop();
                }
                // `in` is never a flag, so `x in p` always ends in a parent,
                // even for states called `in`.
                let parent = match words.as_slice() {
                    [.., _, "in", parent] => {
                        let parent = (*parent).to_owned();
                        words.truncate(words.len() - 2);
                        Some(parent)
                    }
                    _ => None,
                };
                let name = words.pop().unwrap_or_default();
                let kind = if words.contains(&"compound") {
                    StateKind::Compound
                } else if words.contains(&"parallel") {
                    StateKind::Parallel
                } else {
                    StateKind::Atomic
                };
                StateSpec {
                    name: name.to_owned(),
                    initial: words.contains(&"initial"),
                    is_final: words.contains(&"final"),
                    parent,
                    kind,
                    history: words.contains(&"history"),
                    entry,
                    exit,
                }
            })
            .collect();
        let events = items(events, ';')
            .map(|e| {
                let (name, arms) = e.split_once(':').unwrap_or((e, ""));
                EventSpec {
                    name: name.trim().to_owned(),
                    arms: items(arms, ',').map(read_arm).collect(),
                }
            })
            .collect();
        let timers = items(timers, ',')
            .map(|t| {
                let mut words = t.split_whitespace();
                let (state, event) = (words.next(), words.next());
                let after_ms = words.next().and_then(|ms| ms.parse().ok());
                TimerSpec::new(
                    state.unwrap_or_default(),
                    event.unwrap_or_default(),
                    after_ms.unwrap_or_default(),
                )
            })
            .collect();
        MachineSpec {
            name: name.to_owned(),
            states,
            events,
            timers,
            checks,
            migrations: Vec::new(),
        }
    }
}

/// `from -> to` or `from -> to with path`, comma-separated.
fn read_migrations(text: &str) -> Vec<MigrationSpec> {
    items(text, ',')
        .map(|m| {
            let mut words = m.split_whitespace().filter(|w| *w != "->");
            let from = words.next().unwrap_or_default();
            let to = words.next().unwrap_or_default();
            let with = words.nth(1).map(str::to_owned);
            MigrationSpec {
                from: from.to_owned(),
                to: to.to_owned(),
                with,
            }
        })
        .collect()
}

/// The non-empty, trimmed items of `text` between `separator`s.
fn items(text: &str, separator: char) -> impl Iterator<Item = &str> {
    text.split(separator)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

/// `a | b -> c if guard => action`.
fn read_arm(arm: &str) -> ArmSpec {
    let mut words = arm.split_whitespace();
    let from = words
        .by_ref()
        .take_while(|w| *w != "->")
        .filter(|w| *w != "|")
        .map(str::to_owned)
        .collect();
    let mut spec = ArmSpec {
        from,
        to: words.next().unwrap_or_default().to_owned(),
        guard: None,
        action: None,
    };
    while let Some(word) = words.next() {
        let path = words.next().map(str::to_owned);
        match word {
            "if" => spec.guard = path,
            _ => spec.action = path,
        }
    }
    spec
}

impl Definition {
    /// The definition of a generated machine, from the text its macro
    /// wrote with [`MachineSpec::__to_text`] after checking it.
    ///
    /// # Panics
    ///
    /// If the spec fails the checks, which passed when the macro ran: the
    /// macro and this crate disagree, a bug.
    ///
    /// ```
    /// let def = stateforge_core::Definition::__compiled(
    ///     "door", "initial closed, open", "open: closed -> open; close: open -> closed", "",
    ///     true, true,
    /// );
    /// assert_eq!(def.spec().events[1].arms[0].to, "closed");
    /// ```
    #[doc(hidden)]
    pub fn __compiled(
        name: &str,
        states: &str,
        events: &str,
        timers: &str,
        unreachable: bool,
        dead_ends: bool,
    ) -> Definition {
        let checks = Checks {
            unreachable,
            dead_ends,
        };
        match Definition::new(MachineSpec::__from_text(
            name, states, events, timers, checks,
        )) {
            Ok(definition) => definition,
            Err(error) => {
                panic!("stateforge: definition checked at compile time is invalid: {error}")
            }
        }
    }
}

impl Definition {
    /// [`Definition::__compiled`] for a machine that declares migrations,
    /// written with [`MachineSpec::__migrations_text`].
    ///
    /// # Panics
    ///
    /// As [`Definition::__compiled`].
    ///
    /// ```
    /// let def = stateforge_core::Definition::__compiled_migrating(
    ///     "door", "initial shut, open", "open: shut -> open; close: open -> shut", "",
    ///     "closed -> shut", true, true,
    /// );
    /// assert_eq!(def.spec().migrations[0].from, "closed");
    /// ```
    #[doc(hidden)]
    pub fn __compiled_migrating(
        name: &str,
        states: &str,
        events: &str,
        timers: &str,
        migrations: &str,
        unreachable: bool,
        dead_ends: bool,
    ) -> Definition {
        let checks = Checks {
            unreachable,
            dead_ends,
        };
        let mut spec = MachineSpec::__from_text(name, states, events, timers, checks);
        spec.migrations = read_migrations(migrations);
        match Definition::new(spec) {
            Ok(definition) => definition,
            Err(error) => {
                panic!("stateforge: definition checked at compile time is invalid: {error}")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(spec: &MachineSpec) -> MachineSpec {
        let (states, events, timers) = spec.__to_text();
        MachineSpec::__from_text(&spec.name, &states, &events, &timers, spec.checks)
    }

    #[test]
    fn every_part_of_a_spec_comes_back() {
        let spec = MachineSpec::new("m")
            .state(StateSpec::initial("a"))
            .state(StateSpec {
                is_final: true,
                ..StateSpec::initial("b").entry("m::on_b")
            })
            .state(StateSpec::final_state("initial"))
            .state(StateSpec::new("final").exit("x::y"))
            .state(StateSpec::new("entry").entry("exit").exit("entry"))
            .state(StateSpec::initial("exit").exit("go"))
            .event(EventSpec::new("none"))
            .event(
                EventSpec::new("go")
                    .arm(
                        ArmSpec::new(["a", "b"], "c")
                            .guard("m::ok")
                            .action("x::y::z"),
                    )
                    .arm(ArmSpec::new(["d"], "e").action("act"))
                    .arm(ArmSpec::new(Vec::<String>::new(), "f")),
            )
            .timer(TimerSpec::new("a", "go", 30_000))
            .timer(TimerSpec::new("b", "none", 0))
            .checks(Checks {
                unreachable: false,
                dead_ends: true,
            });
        assert_eq!(round_trip(&spec), spec);
        assert_eq!(
            round_trip(&MachineSpec::new("empty")),
            MachineSpec::new("empty")
        );
    }

    #[test]
    fn compound_and_parallel_states_come_back() {
        let spec = MachineSpec::new("m")
            .state(StateSpec::compound("active").with_history())
            .state(StateSpec::initial("assigned").child_of("active"))
            .state(StateSpec::new("in").child_of("active"))
            .state(StateSpec::parallel("building"))
            .state(StateSpec::compound("in").child_of("building"))
            .state(StateSpec::final_state("passed").child_of("in"))
            .state(
                StateSpec::new("entry")
                    .child_of("in")
                    .entry("in")
                    .exit("exit"),
            )
            .state(StateSpec::new("x").child_of("entry").exit("entry"))
            .event(EventSpec::new("go").arm(ArmSpec::new(["done(building)"], "active")));
        assert_eq!(round_trip(&spec), spec);
    }

    #[test]
    fn migrations_come_back() {
        let spec = MachineSpec::new("m")
            .state(StateSpec::initial("a"))
            .state(StateSpec::final_state("b"))
            .event(EventSpec::new("go").arm(ArmSpec::new(["a"], "b")))
            .migration(MigrationSpec::renamed("x", "a"))
            .migration(MigrationSpec::removed("y", "b").with("m::y_as_b"))
            .migration(MigrationSpec::data_changed("b", "b_v2"));
        let (states, events, timers) = spec.__to_text();
        let def = Definition::__compiled_migrating(
            "m",
            &states,
            &events,
            &timers,
            &spec.__migrations_text(),
            true,
            true,
        );
        assert_eq!(def.spec(), &spec);
    }

    #[test]
    fn the_example_comes_back_with_its_fingerprint() {
        let def = Definition::example();
        let (states, events, timers) = def.spec().__to_text();
        let back = Definition::__compiled("task", &states, &events, &timers, true, true);
        assert_eq!(back, def);
        assert_eq!(back.fingerprint(), def.fingerprint());
    }
}
