//! Event names to ids, for firing by name.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use stateforge_core::{Definition, EventId};

/// Each event's name, mapped to its id.
///
/// A hash map rather than [`Definition::event_id`]'s binary search over
/// strings, and foldhash rather than the standard map's SipHash: either of
/// those costs more than the transition that follows the lookup. The
/// seed is drawn per map, so a definition's author cannot pick names
/// that collide in every process.
pub(crate) struct EventNames {
    ids: HashMap<Box<str>, EventId, RandomState>,
}

impl EventNames {
    /// The names of `definition`'s events.
    pub(crate) fn new(definition: &Definition) -> EventNames {
        let ids = definition
            .events()
            .map(|event| (definition.event_name(event).into(), event))
            .collect();
        EventNames { ids }
    }

    /// The event called `name`, if the definition has one.
    #[inline]
    pub(crate) fn find(&self, name: &str) -> Option<EventId> {
        self.ids.get(name).copied()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn definition(events: &[&str]) -> Definition {
        let events: Vec<String> = events
            .iter()
            .map(|e| format!(r#"{{"name": "{e}", "arms": [{{"from": ["a"], "to": "a"}}]}}"#))
            .collect();
        Definition::from_json(&format!(
            r#"{{"name": "m", "states": [{{"name": "a", "initial": true}}], "events": [{}]}}"#,
            events.join(", ")
        ))
        .unwrap()
    }

    #[test]
    fn every_name_is_found_and_no_other() {
        let all = [
            "a",
            "b",
            "ab",
            "ba",
            "abc",
            "acc",
            "go",
            "stop",
            "spot",
            "start",
            "stort",
            "retry",
            "assign",
            "escalate",
            "complete",
            "sixteen_bytes_ok",
            "seventeen_bytes_x",
            "seventeen_bytes_y",
            "a_name_rather_longer_than_any_word",
        ];
        let def = definition(&all);
        let names = EventNames::new(&def);
        for (i, name) in all.iter().enumerate() {
            assert_eq!(
                names.find(name),
                Some(EventId::__from_index(i as u32)),
                "{name}"
            );
        }
        for other in [
            "",
            "c",
            "aa",
            "abd",
            "stopp",
            "strt",
            "retr",
            "retryy",
            "seventeen_bytes_z",
            "sixteen_bytes_oK",
            "a_name_rather_longer_than_any_wore",
            // The length and the first and last 8 bytes of a name.
            "a_name_rXther_longer_than_any_word",
        ] {
            assert_eq!(names.find(other), None, "{other}");
        }
    }

    #[test]
    fn names_with_the_same_first_and_last_bytes_differ_by_length() {
        // "abcd" and "abcdabcd" have the same first and last 4 bytes.
        let def = definition(&["abcdabcd", "go"]);
        let names = EventNames::new(&def);
        assert_eq!(names.find("abcdabcd"), def.event_id("abcdabcd"));
        assert_eq!(names.find("abcd"), None);
        // Together, each is found at its own length.
        let def = definition(&["abcd", "abcdabcd"]);
        let names = EventNames::new(&def);
        assert_eq!(names.find("abcd"), def.event_id("abcd"));
        assert_eq!(names.find("abcdabcd"), def.event_id("abcdabcd"));
        assert_eq!(names.find("abcdabc"), None);
    }

    #[test]
    fn a_short_name_is_not_found_under_another_length() {
        // "abcd" and "retretry" have the first and last 4 bytes of
        // "abcdabcd" and "retry", the others are near misses: only the
        // names themselves are found.
        let def = definition(&["abcdabcd", "retry", "go"]);
        let names = EventNames::new(&def);
        assert_eq!(names.find("abcdabcd"), def.event_id("abcdabcd"));
        assert_eq!(names.find("retry"), def.event_id("retry"));
        for other in [
            "abcd",
            "abcdabc",
            "abcdbcd",
            "retrretry",
            "retretry",
            "rery",
            "retrry",
        ] {
            assert_eq!(names.find(other), None, "{other}");
        }
    }

    #[test]
    fn a_repeated_byte_is_found_at_its_own_length_only() {
        // "xxxx" to "xxxxxxxx" have the same first and last 4 bytes: each
        // name alone, and the other four lengths not found, for every byte
        // a name may repeat.
        for byte in (b'a'..=b'z').chain(b'A'..=b'Z') {
            for len in 4..=8 {
                let name = String::from(char::from(byte)).repeat(len);
                let def = definition(&[&name]);
                let names = EventNames::new(&def);
                for other in 4..=8 {
                    let query = String::from(char::from(byte)).repeat(other);
                    let expected = (other == len).then(|| EventId::__from_index(0));
                    assert_eq!(names.find(&query), expected, "{query} among [{name}]");
                }
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        /// Names from a two-letter alphabet share lengths and first and
        /// last bytes: a name is found exactly when the definition has it.
        #[test]
        fn a_name_is_found_exactly_when_the_definition_has_it(
            names in prop::collection::btree_set("[ab]{1,18}", 1..80),
            others in prop::collection::vec("[ab]{0,18}", 0..40),
        ) {
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let def = definition(&names);
            let found = EventNames::new(&def);
            for name in names.iter().copied().chain(others.iter().map(String::as_str)) {
                prop_assert_eq!(found.find(name), def.event_id(name), "{}", name);
            }
        }
    }
}
