//! Event names to ids, tuned for firing by name.

use stateforge_core::{Definition, EventId};

/// Event names found by a hash chosen at bind time to have no collision
/// among this definition's names (a perfect hash); a plain scan when no
/// such hash turns up.
///
/// A name is read as its length and two words: for up to 16 bytes these
/// three say every byte, so a table entry holds them and finding a name
/// compares numbers, never following a pointer to the name's bytes
/// (longer names are then compared in full). Names of 4 to 8 bytes, most
/// event names, have a table of their own ([`ShortNames`]) where one word
/// is the whole name and a hit is a single compare.
pub(crate) struct EventNames {
    /// Every name, at its event's index.
    names: Box<[Box<str>]>,
    /// The names of 4 to 8 bytes, most event names, found by one word.
    short: ShortNames,
    /// The hash's multiplier.
    multiplier: u64,
    /// 64 minus the hash's width in bits: a hash is the top bits of a
    /// product.
    shift: u32,
    /// The hash's table, `1 << (64 - shift)` entries, of the names
    /// [`ShortNames`] does not answer for; all empty when no multiplier
    /// was found.
    table: Box<[Entry]>,
    /// No multiplier was found: names are found by a scan.
    scan: bool,
}

/// One slot of the hash table.
#[derive(Clone, Copy)]
struct Entry {
    words: (u64, u64),
    /// The name's length, with [`LONG`] set above 16 bytes; `u64::MAX`
    /// for an empty slot, which no name's length matches.
    len: u64,
    id: EventId,
}

/// The names of 4 to 8 bytes, each its [`short_word`] at its
/// [`short_slot`]: a table of fixed size, so that a slot's index, the top
/// bits of a product, needs no bounds check, and a hit is one compare.
///
/// No length is kept: a name's slot depends on its length, and the table's
/// multiplier is one under which no word lands on the same slot at two
/// lengths ([`keeps_lengths_apart`]). A name of another length with the
/// same word therefore never meets it, and equal words at a slot mean the
/// same name.
struct ShortNames {
    multiplier: u64,
    /// [`EMPTY_WORD`] where no name is.
    words: [u64; SHORT_SLOTS],
    ids: [EventId; SHORT_SLOTS],
    /// Every name of 4 to 8 bytes is here, so a miss is no event. False
    /// when no multiplier was found: they are then found in the general
    /// table, like the others.
    complete: bool,
}

/// A name of 4 to 8 bytes as [`ShortNames`] places it.
struct ShortKey {
    word: u64,
    len: u64,
    id: EventId,
}

impl ShortKey {
    /// `name`, the name of event `id`, if it has 4 to 8 bytes.
    fn of(name: &str, id: EventId) -> Option<ShortKey> {
        let bytes = name.as_bytes();
        let (head, tail) = (bytes.first_chunk::<4>()?, bytes.last_chunk::<4>()?);
        (bytes.len() <= 8).then(|| ShortKey {
            word: short_word(*head, *tail),
            len: bytes.len() as u64,
            id,
        })
    }

    /// Whether [`ShortNames`] answers for `name`, found or not.
    fn covers(name: &str) -> bool {
        (4..=8).contains(&name.len())
    }
}

/// Bits of a [`ShortNames`] slot: 256 slots, 3 KiB a bound definition.
const SHORT_BITS: u32 = 8;
const SHORT_SLOTS: usize = 1 << SHORT_BITS;
/// Above this many names of 4 to 8 bytes, a table of [`SHORT_SLOTS`]
/// without collision is unlikely enough not to search for one: `n` names
/// land on distinct slots under a multiplier with a chance of about
/// `exp(-n² / 512)`, so the 1,024 multipliers tried find about 11 tables
/// for 48 names, 2 for 56 and 0.3 for 64 (in expectation).
const SHORT_MAX: usize = 48;
/// The word of no name: its bytes are 0xFF, which UTF-8 never holds.
const EMPTY_WORD: u64 = u64::MAX;

impl ShortNames {
    /// A table of `names`' names of 4 to 8 bytes; not `complete` when no
    /// multiplier among those tried places them all.
    fn new(names: &[Box<str>]) -> ShortNames {
        let keys: Vec<ShortKey> = names
            .iter()
            .enumerate()
            .filter_map(|(i, name)| ShortKey::of(name, EventId::__from_index(i as u32)))
            .collect();
        if keys.len() > SHORT_MAX {
            return ShortNames::incomplete();
        }
        // Each try is a few hundred steps, once per bind.
        ShortNames::search(&keys, (0..1024).map(candidate_multiplier))
    }

    /// The table of the first of `multipliers` that keeps lengths apart
    /// and places every key.
    fn search(keys: &[ShortKey], multipliers: impl IntoIterator<Item = u64>) -> ShortNames {
        multipliers
            .into_iter()
            .filter(|&multiplier| keeps_lengths_apart(multiplier))
            .find_map(|multiplier| ShortNames::place(keys, multiplier))
            .unwrap_or_else(ShortNames::incomplete)
    }

    /// Every key at its slot under `multiplier`; `None` when two share a
    /// slot.
    fn place(keys: &[ShortKey], multiplier: u64) -> Option<ShortNames> {
        let mut short = ShortNames {
            multiplier,
            complete: true,
            ..ShortNames::incomplete()
        };
        for key in keys {
            let slot = short_slot(key.word, key.len, multiplier);
            if short.words[slot] != EMPTY_WORD {
                return None;
            }
            short.words[slot] = key.word;
            short.ids[slot] = key.id;
        }
        Some(short)
    }

    /// A table holding no name, which sends every name to the general
    /// table.
    fn incomplete() -> ShortNames {
        ShortNames {
            multiplier: 1,
            words: [EMPTY_WORD; SHORT_SLOTS],
            ids: [EventId::__from_index(u32::MAX); SHORT_SLOTS],
            complete: false,
        }
    }
}

/// Whether under `multiplier` no word lands on the same slot at two
/// lengths of 4 to 8. Their keys differ by `2 * d` (`d` from 1 to 4), so
/// their products by `c = 2 * d * multiplier`, and a product's top byte
/// moves by `c`'s top byte plus at most a carry: two products share a
/// slot for some word exactly when `c`'s top byte is 0 or 0xFF.
fn keeps_lengths_apart(multiplier: u64) -> bool {
    (1..=4u64).all(|d| {
        let top = (2 * d).wrapping_mul(multiplier) >> (64 - SHORT_BITS);
        top != 0 && top != (SHORT_SLOTS as u64 - 1)
    })
}

/// The [`ShortNames`] slot of a name of 4 to 8 bytes: its word plus twice
/// its length, times the multiplier, the top [`SHORT_BITS`] bits.
#[inline]
fn short_slot(word: u64, len: u64, multiplier: u64) -> usize {
    (word.wrapping_add(len << 1).wrapping_mul(multiplier) >> (64 - SHORT_BITS)) as usize
}

/// The `k`th multiplier a table search tries: odd, spread over the word.
fn candidate_multiplier(k: u64) -> u64 {
    0x9E37_79B9_7F4A_7C15u64.wrapping_add(k.wrapping_mul(0x6A09_E667_F3BC_C909)) | 1
}

/// Set in [`Entry::len`] for a name longer than 16 bytes.
const LONG: u64 = 1 << 62;

const EMPTY: Entry = Entry {
    words: (0, 0),
    len: u64::MAX,
    id: EventId::__from_index(u32::MAX),
};

impl EventNames {
    pub(crate) fn new(definition: &Definition) -> EventNames {
        let names: Box<[Box<str>]> = definition
            .events()
            .map(|e| definition.event_name(e).into())
            .collect();
        let short = ShortNames::new(&names);
        // A complete short table answers for every name of 4 to 8 bytes:
        // the general table holds the others only.
        let general: Vec<(EventId, &str)> = definition
            .events()
            .zip(names.iter().map(|n| &**n))
            .filter(|(_, name)| !(short.complete && ShortKey::covers(name)))
            .collect();
        let min_bits = usize::BITS - general.len().max(1).leading_zeros();
        // Small tables and few tries: this runs once per bind.
        for bits in min_bits + 1..=(min_bits + 4).min(16) {
            for multiplier in (0..256).map(candidate_multiplier) {
                let mut table = vec![EMPTY; 1 << bits].into_boxed_slice();
                let shift = 64 - bits;
                let fits = general.iter().all(|&(id, name)| {
                    let bytes = name.as_bytes();
                    let words = words(bytes);
                    let slot = &mut table[spread(words, multiplier, shift)];
                    let free = slot.len == u64::MAX;
                    let len = bytes.len() as u64;
                    *slot = Entry {
                        words,
                        len: if len > 16 { len | LONG } else { len },
                        id,
                    };
                    free
                });
                if fits {
                    return EventNames {
                        names,
                        short,
                        multiplier,
                        shift,
                        table,
                        scan: false,
                    };
                }
            }
        }
        EventNames {
            names,
            short,
            multiplier: 1,
            shift: 63,
            table: vec![EMPTY; 2].into_boxed_slice(),
            scan: true,
        }
    }

    #[inline]
    pub(crate) fn find(&self, name: &str) -> Option<EventId> {
        let bytes = name.as_bytes();
        let len = bytes.len() as u64;
        // 4 to 8 bytes, most event names: one word (the first and last 4
        // bytes), and the table built so that the word alone says the name.
        if len.wrapping_sub(4) <= 4
            && let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>())
        {
            let word = short_word(*head, *tail);
            let slot = short_slot(word, len, self.short.multiplier);
            if self.short.words[slot] == word {
                return Some(self.short.ids[slot]);
            }
            if self.short.complete {
                return None;
            }
        }
        let words = words(bytes);
        let entry = self.table.get(spread(words, self.multiplier, self.shift))?;
        // Up to 16 bytes, length and words are the whole name; a longer
        // name's entry never matches here (its length is marked `LONG`).
        if entry.len == len && entry.words == words {
            return Some(entry.id);
        }
        self.slow_find(entry, bytes)
    }

    /// A name longer than 16 bytes, compared in full with the one its
    /// entry holds; or any name, compared with each, when there is no hash.
    #[cold]
    fn slow_find(&self, entry: &Entry, bytes: &[u8]) -> Option<EventId> {
        if self.scan {
            return self
                .names
                .iter()
                .position(|n| n.as_bytes() == bytes)
                .map(|i| EventId::__from_index(i as u32));
        }
        // The entry's own name, compared in full, says it all (an empty
        // slot's id names no event).
        self.names
            .get(entry.id.index())
            .filter(|name| name.as_bytes() == bytes)
            .map(|_| entry.id)
    }
}

/// The first and last 4 bytes of a name of 4 to 8 bytes, in one word.
#[inline]
fn short_word(head: [u8; 4], tail: [u8; 4]) -> u64 {
    u64::from(u32::from_le_bytes(head)) | u64::from(u32::from_le_bytes(tail)) << 32
}

/// Two words that, with the length, are the whole of a name of up to 16
/// bytes: from 4 to 8 bytes, its first and last 4 in one word, and the
/// length, so that "abcd" and "abcdabcd" hash apart (needed only when
/// [`ShortNames`] could not take them); above 8, its first and last 8
/// bytes; below 4, its first, middle and last byte and the length, and 0.
#[inline]
fn words(bytes: &[u8]) -> (u64, u64) {
    let n = bytes.len();
    if n > 8
        && let (Some(head), Some(tail)) = (bytes.first_chunk::<8>(), bytes.last_chunk::<8>())
    {
        (u64::from_le_bytes(*head), u64::from_le_bytes(*tail))
    } else if let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>()) {
        (short_word(*head, *tail), n as u64)
    } else if n > 0 {
        let byte = |i: usize| u64::from(bytes[i]);
        (
            byte(0) | byte(n / 2) << 8 | byte(n - 1) << 16 | (n as u64) << 24,
            0,
        )
    } else {
        (0, 0)
    }
}

/// The table slot of a name: its words mixed (one `lea`: head plus twice
/// tail), times the multiplier, the top `64 - shift` bits. The length is
/// in the words up to 8 bytes (below 4 in the head word, from 4 to 8 as
/// the tail); above, two names that differ only in length and mix alike
/// are so rare that the scan they fall back to does not matter.
#[inline]
fn spread((head, tail): (u64, u64), multiplier: u64, shift: u32) -> usize {
    let key = head.wrapping_add(tail << 1);
    (key.wrapping_mul(multiplier) >> shift) as usize
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
        assert!(!names.scan, "a perfect hash exists for these");
        assert!(
            names.short.complete,
            "and one for the names of 4 to 8 bytes"
        );
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
            // Same length, first and last 8 bytes as a name: compared in full.
            "a_name_rXther_longer_than_any_word",
        ] {
            assert_eq!(names.find(other), None, "{other}");
        }
    }

    #[test]
    fn names_of_4_to_8_bytes_with_the_same_word_differ_by_length() {
        // "abcd" and "abcdabcd" both read as the word `abcd abcd`.
        let def = definition(&["abcdabcd", "go"]);
        let names = EventNames::new(&def);
        assert_eq!(names.find("abcdabcd"), def.event_id("abcdabcd"));
        assert_eq!(names.find("abcd"), None);
        // Together: the length, in their second word, hashes them apart.
        let def = definition(&["abcd", "abcdabcd"]);
        let names = EventNames::new(&def);
        assert!(!names.scan);
        assert_eq!(names.find("abcd"), def.event_id("abcd"));
        assert_eq!(names.find("abcdabcd"), def.event_id("abcdabcd"));
        assert_eq!(names.find("abcdabc"), None);
    }

    #[test]
    fn a_short_name_is_not_found_under_another_length() {
        // "abcd" and "retretry" have the words of "abcdabcd" and "retry",
        // the others are near misses: only the names themselves are found.
        let def = definition(&["abcdabcd", "retry", "go"]);
        let names = EventNames::new(&def);
        assert!(names.short.complete);
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
        // "xxxx" to "xxxxxxxx" all read as one word: each name alone, and
        // the other four lengths not found, for every byte a name may repeat.
        for byte in (b'a'..=b'z').chain(b'A'..=b'Z') {
            for len in 4..=8 {
                let name = String::from(char::from(byte)).repeat(len);
                let def = definition(&[&name]);
                let names = EventNames::new(&def);
                assert!(names.short.complete);
                for other in 4..=8 {
                    let query = String::from(char::from(byte)).repeat(other);
                    let expected = (other == len).then(|| EventId::__from_index(0));
                    assert_eq!(names.find(&query), expected, "{query} among [{name}]");
                }
            }
        }
    }

    fn key(name: &str, id: u32) -> ShortKey {
        ShortKey::of(name, EventId::__from_index(id)).unwrap()
    }

    #[test]
    fn a_multiplier_that_lands_other_lengths_on_a_name_is_passed_over() {
        // Multiplying by 1, a slot is the top byte of word plus twice the
        // length: the same for every length of "aaaa".
        assert!(!keeps_lengths_apart(1));
        let good = candidate_multiplier(0);
        assert!(keeps_lengths_apart(good));
        let def = definition(&["aaaa"]);
        let names = EventNames {
            short: ShortNames::search(&[key("aaaa", 0)], [1, good]),
            ..EventNames::new(&def)
        };
        assert_eq!(names.short.multiplier, good);
        assert_eq!(names.find("aaaa"), Some(EventId::__from_index(0)));
        for other in ["aaaaa", "aaaaaa", "aaaaaaa", "aaaaaaaa"] {
            assert_eq!(names.find(other), None, "{other}");
        }
        // Two names on one slot: the next multiplier.
        assert!(ShortNames::place(&[key("stop", 0)], good).is_some());
        assert!(ShortNames::place(&[key("stop", 0), key("stop", 1)], good).is_none());
    }

    #[test]
    fn the_multipliers_passed_over_are_those_under_which_a_word_collides() {
        // The inverse of an odd number modulo 2^64, by Newton's iteration.
        let inverse = |m: u64| {
            (0..6).fold(m, |inv: u64, _| {
                inv.wrapping_mul(2u64.wrapping_sub(m.wrapping_mul(inv)))
            })
        };
        // 2m with top byte 0 (no carry wanted) and 0xFF (a carry wanted).
        for (multiplier, low) in [(1u64, 0u64), (0x7F80_0000_0000_0001, (1 << 56) - 1)] {
            assert!(!keeps_lengths_apart(multiplier), "{multiplier:#x}");
            // The word whose product at length 4 has `low` below its top byte.
            let word = low.wrapping_mul(inverse(multiplier)).wrapping_sub(8);
            assert_eq!(
                short_slot(word, 4, multiplier),
                short_slot(word, 5, multiplier),
                "{multiplier:#x}"
            );
        }
    }

    #[test]
    fn too_many_short_names_are_found_in_the_general_table() {
        // More names of 4 to 8 bytes than the short table takes.
        let all: Vec<String> = (0..SHORT_MAX + 1).map(|i| format!("ev{i:04}")).collect();
        let refs: Vec<&str> = all.iter().map(String::as_str).collect();
        let def = definition(&refs);
        let names = EventNames::new(&def);
        assert!(!names.short.complete);
        for (i, name) in refs.iter().enumerate() {
            assert_eq!(
                names.find(name),
                Some(EventId::__from_index(i as u32)),
                "{name}"
            );
        }
        for other in ["ev9999", "ev000", "xv0000", "ev00000"] {
            assert_eq!(names.find(other), None, "{other}");
        }
        // Up to the limit they are all in the short table.
        let def = definition(&refs[..SHORT_MAX]);
        let names = EventNames::new(&def);
        assert!(names.short.complete);
        for (i, name) in refs[..SHORT_MAX].iter().enumerate() {
            assert_eq!(
                names.find(name),
                Some(EventId::__from_index(i as u32)),
                "{name}"
            );
        }
        assert_eq!(names.find(refs[SHORT_MAX]), None);
    }

    #[test]
    fn the_scan_finds_the_same() {
        let def = definition(&["open", "close"]);
        let names = EventNames {
            short: ShortNames::incomplete(),
            multiplier: 1,
            shift: 63,
            table: vec![EMPTY; 2].into_boxed_slice(),
            scan: true,
            ..EventNames::new(&def)
        };
        assert_eq!(names.find("close"), def.event_id("close"));
        assert_eq!(names.find("open"), def.event_id("open"));
        assert_eq!(names.find("shut"), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 500, ..ProptestConfig::default() })]

        /// Names from a two-letter alphabet share words, lengths and
        /// first and last bytes: whatever the tables make of them, a name
        /// is found exactly when the definition has it.
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

        /// The property the short table's lookup rests on: under a
        /// multiplier it keeps, a word's slots at two lengths differ.
        #[test]
        fn a_kept_multiplier_puts_two_lengths_of_a_word_apart(
            multiplier in any::<u64>(),
            word in any::<u64>(),
            a in 4..=8u64,
            b in 4..=8u64,
        ) {
            let multiplier = multiplier | 1;
            prop_assume!(a != b && keeps_lengths_apart(multiplier));
            prop_assert_ne!(short_slot(word, a, multiplier), short_slot(word, b, multiplier));
        }
    }
}
