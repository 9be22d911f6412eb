//! What generated machines' serde impls share, written once here instead
//! of derived in every expansion.

/// What follows a serialized machine's `state` tag: its context and its
/// state's data. Generated code deserializes a machine as an internally
/// tagged enum with one newtype variant of this per state: one generic
/// derive here, instead of a struct visitor per state in every machine's
/// expansion (for a 100-state machine, most of its build time with serde).
/// Not a public API.
#[doc(hidden)]
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct __StoredBody<C, T> {
    /// The machine's context.
    pub context: C,
    /// The state's data.
    pub data: T,
}

/// Deserializes a unit struct named `name` (a state without data), as
/// serde's derive would, with one visitor for every generated state
/// instead of one each. Not a public API.
///
/// # Errors
///
/// The deserializer's, when the input is not a unit.
#[doc(hidden)]
pub fn __deserialize_unit_struct<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    name: &'static str,
) -> Result<(), D::Error> {
    struct UnitVisitor(&'static str);
    impl serde::de::Visitor<'_> for UnitVisitor {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "unit struct {}", self.0)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
            Ok(())
        }
    }
    deserializer.deserialize_unit_struct(name, UnitVisitor(name))
}
