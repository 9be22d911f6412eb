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

/// Makes a stored row's new data by a declared data migration: the
/// state's data (`data`) read as `Old`, passed to `migrate`, its result
/// written back; the context is kept. Generated `Machine::migrate_data`
/// impls call it with the function the declaration names, whose argument
/// and result types rustc checks here. Not a public API.
///
/// # Errors
///
/// When the stored data is not an object, the old data does not read as
/// `Old`, or the new data does not serialize.
#[doc(hidden)]
pub fn __migrate_state_data<Old, New>(
    migrate: fn(Old) -> New,
    mut stored: serde_json::Value,
) -> Result<serde_json::Value, serde_json::Error>
where
    Old: serde::de::DeserializeOwned,
    New: serde::Serialize,
{
    let Some(object) = stored.as_object_mut() else {
        return Err(serde::de::Error::custom(
            "expected an object with `context` and `data`",
        ));
    };
    let old = object.remove("data").unwrap_or(serde_json::Value::Null);
    let new = migrate(serde_json::from_value(old)?);
    object.insert("data".to_owned(), serde_json::to_value(new)?);
    Ok(stored)
}
