//! A spec that failed its checks.

use std::fmt;

use crate::problem::Problem;

/// A definition that failed its checks, with every problem found.
///
/// ```
/// use stateforge_core::{Definition, MachineSpec};
/// let err = Definition::new(MachineSpec::new("empty")).unwrap_err();
/// assert_eq!(err.machine(), "empty");
/// assert!(err.to_string().starts_with("machine `empty` has 1 problem"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InvalidDefinition {
    pub(crate) machine: String,
    pub(crate) problems: Vec<Problem>,
}

impl InvalidDefinition {
    /// The machine's name as written.
    ///
    /// ```
    /// # let err = stateforge_core::Definition::new(stateforge_core::MachineSpec::new("m")).unwrap_err();
    /// assert_eq!(err.machine(), "m");
    /// ```
    pub fn machine(&self) -> &str {
        &self.machine
    }

    /// Every problem found; never empty.
    ///
    /// ```
    /// # let err = stateforge_core::Definition::new(stateforge_core::MachineSpec::new("m")).unwrap_err();
    /// assert!(!err.problems().is_empty());
    /// ```
    pub fn problems(&self) -> &[Problem] {
        &self.problems
    }
}

impl fmt::Display for InvalidDefinition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.problems.len();
        write!(
            f,
            "machine `{}` has {n} problem{}:",
            self.machine,
            if n == 1 { "" } else { "s" }
        )?;
        for p in &self.problems {
            match p.site() {
                Some(site) => write!(f, "\n  - {p} (at {site})")?,
                None => write!(f, "\n  - {p}")?,
            }
        }
        Ok(())
    }
}
