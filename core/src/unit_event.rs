//! The serde form of an event enum none of whose events has arguments,
//! written once here instead of derived in every expansion.
//!
//! serde's derive of an internally tagged enum (`{"event": "reset"}`)
//! buffers the input into its `Content` tree and writes a field visitor per
//! enum; for a 50-event machine that was most of what serde still added to
//! its build. These two functions read and write the same form, with the
//! same errors: `tests/typed/unit_event_serde.rs` checks them against the derive.

use std::fmt;

use serde::de::{
    self, Deserialize as _, DeserializeSeed, IgnoredAny, MapAccess, SeqAccess, Visitor,
};
use serde::ser::SerializeStruct as _;

/// The field that names the event.
const TAG: &str = "event";

/// Serializes event `name` of the enum `enum_name` as
/// `{"event": name}`, as serde's derive of an internally tagged unit
/// variant does. Not a public API.
///
/// # Errors
///
/// The serializer's.
#[doc(hidden)]
pub fn __serialize_unit_event<S: serde::Serializer>(
    serializer: S,
    enum_name: &'static str,
    name: &'static str,
) -> Result<S::Ok, S::Error> {
    let mut st = serializer.serialize_struct(enum_name, 1)?;
    st.serialize_field(TAG, name)?;
    st.end()
}

/// Deserializes `{"event": name}` (other fields ignored, in any order, or
/// a sequence whose first element is the name) into the index of `name` in
/// `names`, the events of the enum `enum_name` in declaration order, as
/// serde's derive of an internally tagged enum of unit variants reads it.
/// The index is always in range. Not a public API.
///
/// # Errors
///
/// The deserializer's, when the input is not such a map or sequence, the
/// `event` field is missing or given twice, or it names no event.
#[doc(hidden)]
pub fn __deserialize_unit_event<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
    enum_name: &'static str,
    names: &'static [&'static str],
) -> Result<usize, D::Error> {
    // `deserialize_any`, as the derive: `deserialize_struct` would differ
    // where the event sits in a `#[serde(flatten)]` field (it takes the
    // tag out of the map the other flattened fields see) and in formats
    // that are not self-describing.
    deserializer.deserialize_any(EventVisitor { enum_name, names })
}

struct EventVisitor {
    enum_name: &'static str,
    names: &'static [&'static str],
}

impl<'de> Visitor<'de> for EventVisitor {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internally tagged enum {}", self.enum_name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<usize, A::Error> {
        let mut found = None;
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Tag if found.is_some() => return Err(de::Error::duplicate_field(TAG)),
                Key::Tag => found = Some(map.next_value_seed(Name(self.names))?),
                Key::Other => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        found.ok_or_else(|| de::Error::missing_field(TAG))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<usize, A::Error> {
        let index = seq
            .next_element_seed(Name(self.names))?
            .ok_or_else(|| de::Error::missing_field(TAG))?;
        // A unit variant takes nothing after its tag; the derive counts
        // what follows in its error.
        let mut after = 0;
        while seq.next_element::<IgnoredAny>()?.is_some() {
            after += 1;
        }
        if after > 0 {
            return Err(de::Error::invalid_length(after, &"0 elements in sequence"));
        }
        Ok(index)
    }
}

/// A key of the map: the tag, or anything else (any type, as the derive
/// takes keys: a format whose keys are numbers or booleans passes them).
enum Key {
    Tag,
    Other,
}

impl<'de> de::Deserialize<'de> for Key {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_any(KeyVisitor)
    }
}

struct KeyVisitor;

/// `Key::Other`, for every kind of key that cannot be the tag.
macro_rules! other_keys {
    ($($method:ident($ty:ty)),* $(,)?) => {
        $(fn $method<E: de::Error>(self, _: $ty) -> Result<Key, E> {
            Ok(Key::Other)
        })*
    };
}

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Key, E> {
        Ok(if v == TAG { Key::Tag } else { Key::Other })
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<Key, E> {
        Ok(if v == TAG.as_bytes() {
            Key::Tag
        } else {
            Key::Other
        })
    }

    other_keys!(
        visit_bool(bool),
        visit_i64(i64),
        visit_i128(i128),
        visit_u64(u64),
        visit_u128(u128),
        visit_f64(f64),
        visit_char(char),
    );

    fn visit_unit<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key::Other)
    }

    fn visit_none<E: de::Error>(self) -> Result<Key, E> {
        Ok(Key::Other)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Key::Other)
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(self, d: D) -> Result<Key, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Key::Other)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Key, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| Key::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Key, A::Error> {
        IgnoredAny.visit_map(map).map(|_| Key::Other)
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Key, A::Error> {
        IgnoredAny.visit_enum(data).map(|_| Key::Other)
    }
}

/// The tag's value: an event's name (or, as serde's derive also takes it,
/// its index), read as the event's index.
struct Name(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for Name {
    type Value = usize;
    fn deserialize<D: serde::Deserializer<'de>>(self, deserializer: D) -> Result<usize, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Name {
    type Value = usize;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<usize, E> {
        self.0
            .iter()
            .position(|n| *n == v)
            .ok_or_else(|| de::Error::unknown_variant(v, self.0))
    }

    fn visit_bytes<E: de::Error>(self, v: &[u8]) -> Result<usize, E> {
        match self.0.iter().position(|n| n.as_bytes() == v) {
            Some(index) => Ok(index),
            None => Err(de::Error::unknown_variant(
                &String::from_utf8_lossy(v),
                self.0,
            )),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<usize, E> {
        usize::try_from(v)
            .ok()
            .filter(|i| *i < self.0.len())
            .ok_or_else(|| {
                de::Error::invalid_value(
                    de::Unexpected::Unsigned(v),
                    &format!("variant index 0 <= i < {}", self.0.len()).as_str(),
                )
            })
    }
}
