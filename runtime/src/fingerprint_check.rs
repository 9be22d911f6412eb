//! A stored fingerprint compared with the definition at hand.

use stateforge_core::Fingerprint;

/// A row or a history written under another definition than the one at
/// hand.
///
/// ```
/// use stateforge_core::Fingerprint;
/// let e = stateforge_runtime::check_fingerprint("task", Fingerprint(1), Fingerprint(2)).unwrap_err();
/// assert_eq!(e.to_string(), "machine `task` was written under definition 0000000000000002, this one is 0000000000000001");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("machine `{machine}` was written under definition {found}, this one is {expected}")]
pub struct FingerprintMismatch {
    /// The machine.
    pub machine: String,
    /// The fingerprint of the definition at hand.
    pub expected: Fingerprint,
    /// The fingerprint stored with the data.
    pub found: Fingerprint,
}

/// Checks that data stored with fingerprint `found` was written under the
/// definition whose fingerprint is `expected`.
///
/// # Errors
///
/// [`FingerprintMismatch`] when they differ.
///
/// ```
/// let def = stateforge_core::Definition::example();
/// stateforge_runtime::check_fingerprint(def.name(), def.fingerprint(), def.fingerprint()).unwrap();
/// ```
pub fn check_fingerprint(
    machine: &str,
    expected: Fingerprint,
    found: Fingerprint,
) -> Result<(), FingerprintMismatch> {
    if expected == found {
        Ok(())
    } else {
        Err(FingerprintMismatch {
            machine: machine.to_owned(),
            expected,
            found,
        })
    }
}
