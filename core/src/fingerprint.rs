//! The definition fingerprint: FNV-1a over a canonical, order-free form.
//!
//! FNV-1a is a few lines, stable across Rust releases (unlike
//! `DefaultHasher`), and ample for telling versions of one machine apart;
//! it is not meant to resist a forger.

use std::fmt;

use crate::spec::{MachineSpec, StateKind};

/// A stable hash of what a definition says, so that a store can tell a row
/// written under another version of the machine.
///
/// Declaration order does not change it, except the order of an event's
/// guarded alternatives out of one state, which decides what fires; a
/// renamed state, a new arm, or another guard does.
///
/// ```
/// # let def = stateforge_core::Definition::example();
/// let fp = def.fingerprint();
/// assert_eq!(fp.to_string().len(), 16);
/// assert_eq!(fp.to_string().parse::<stateforge_core::Fingerprint>().unwrap(), fp);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl std::str::FromStr for Fingerprint {
    type Err = std::num::ParseIntError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        u64::from_str_radix(s, 16).map(Fingerprint)
    }
}

impl Fingerprint {
    /// The fingerprint of `spec`.
    pub(crate) fn of(spec: &MachineSpec) -> Fingerprint {
        let mut lines: Vec<String> = Vec::new();
        for s in &spec.states {
            lines.push(format!(
                "state {} {} {}",
                s.name,
                u8::from(s.initial),
                u8::from(s.is_final)
            ));
            // Lines only for the actions a state has, so that machines
            // without any keep their fingerprints and their stored rows.
            if let Some(entry) = &s.entry {
                lines.push(format!("entry {} {entry}", s.name));
            }
            if let Some(exit) = &s.exit {
                lines.push(format!("exit {} {exit}", s.name));
            }
            // Only for what a flat machine lacks, so that flat machines
            // keep their fingerprints.
            if let Some(parent) = &s.parent {
                lines.push(format!("parent {} {parent}", s.name));
            }
            match s.kind {
                StateKind::Atomic => {}
                StateKind::Compound => lines.push(format!("compound {}", s.name)),
                StateKind::Parallel => lines.push(format!("parallel {}", s.name)),
            }
            if s.history {
                lines.push(format!("history {}", s.name));
            }
        }
        for e in &spec.events {
            for a in &e.arms {
                let mut from = a.from.clone();
                from.sort();
                lines.push(format!(
                    "arm {} {} {} {} {}",
                    e.name,
                    from.join("|"),
                    a.to,
                    a.guard.as_deref().unwrap_or("-"),
                    a.action.as_deref().unwrap_or("-")
                ));
            }
            lines.push(format!("event {}", e.name));
            // The order of guarded alternatives decides which one fires:
            // it counts, for the events that have some (and only for
            // them, so that every other machine keeps its fingerprint).
            let mut sources: Vec<&str> = Vec::new();
            for source in e.arms.iter().flat_map(|a| &a.from) {
                if !sources.contains(&source.as_str()) {
                    sources.push(source);
                }
            }
            for source in sources {
                let tried: Vec<String> = e
                    .arms
                    .iter()
                    .filter(|a| a.from.iter().any(|f| f == source))
                    .map(|a| format!("{}>{}", a.guard.as_deref().unwrap_or("-"), a.to))
                    .collect();
                if tried.len() > 1 {
                    lines.push(format!(
                        "alternatives {} {source} {}",
                        e.name,
                        tried.join(" ")
                    ));
                }
            }
        }
        // No line without migrations: the fingerprints of definitions
        // that declare none stay what they were.
        for m in &spec.migrations {
            lines.push(format!(
                "migration {} {} {}",
                m.from,
                m.to,
                m.with.as_deref().unwrap_or("-")
            ));
        }
        for t in &spec.timers {
            lines.push(format!("timer {} {} {}", t.state, t.event, t.after_ms));
        }
        lines.sort();
        let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
        for byte in spec
            .name
            .bytes()
            .chain(lines.iter().flat_map(|l| l.bytes().chain([b'\n'])))
        {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Fingerprint(hash)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::StateSpec;

    #[test]
    fn nesting_changes_the_fingerprint_and_flat_states_keep_theirs() {
        let flat = MachineSpec::new("m")
            .state(StateSpec::initial("a"))
            .state(StateSpec::new("b"));
        let mut by_hand = flat.clone();
        by_hand.states[1] = StateSpec {
            name: "b".into(),
            ..StateSpec::default()
        };
        assert_eq!(Fingerprint::of(&flat), Fingerprint::of(&by_hand));
        let nested = MachineSpec::new("m")
            .state(StateSpec::compound("a"))
            .state(StateSpec::initial("b").child_of("a"));
        let with_history = MachineSpec::new("m")
            .state(StateSpec::compound("a").with_history())
            .state(StateSpec::initial("b").child_of("a"));
        let prints = [&flat, &nested, &with_history].map(Fingerprint::of);
        assert_ne!(prints[0], prints[1]);
        assert_ne!(prints[1], prints[2]);
    }
}
