//! Event names to ids, tuned for firing by name.

use stateforge_core::{Definition, EventId};

/// Event names found by a hash chosen at bind time to have no collision
/// among this definition's names (a perfect hash); a plain scan when no
/// such hash turns up.
///
/// A name is read as its length and two words: for up to 16 bytes these
/// three say every byte, so a table entry holds them and finding a name
/// compares numbers, never following a pointer to the name's bytes
/// (longer names are then compared in full).
pub(crate) struct EventNames {
    /// Every name, at its event's index.
    names: Box<[Box<str>]>,
    /// The hash's multiplier.
    multiplier: u64,
    /// 64 minus the hash's width in bits: a hash is the top bits of a
    /// product.
    shift: u32,
    /// The hash's table, `1 << (64 - shift)` entries; all empty when no
    /// multiplier was found.
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
        let min_bits = usize::BITS - names.len().max(1).leading_zeros();
        // Small tables and few tries: this runs once per bind.
        for bits in min_bits + 1..=(min_bits + 4).min(16) {
            for k in 0..256u64 {
                let multiplier = 0x9E37_79B9_7F4A_7C15u64
                    .wrapping_add(k.wrapping_mul(0x6A09_E667_F3BC_C909))
                    | 1;
                let mut table = vec![EMPTY; 1 << bits].into_boxed_slice();
                let shift = 64 - bits;
                let fits = definition.events().zip(&names).all(|(id, name)| {
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
        // bytes) and the length are the whole name, so one compare of each.
        if len.wrapping_sub(4) <= 4
            && let (Some(head), Some(tail)) = (bytes.first_chunk::<4>(), bytes.last_chunk::<4>())
        {
            let word = short_word(*head, *tail);
            let entry = self
                .table
                .get(spread((word, len), self.multiplier, self.shift))?;
            // The same length: an entry of the same kind, whose second
            // word is its length like this name's.
            if entry.len == len && entry.words.0 == word {
                return Some(entry.id);
            }
            return self.slow_find(entry, bytes);
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
/// length, so that "abcd" and "abcdabcd" hash apart ([`EventNames::find`]
/// reads these without this function); above 8, its first and last 8
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
    fn the_scan_finds_the_same() {
        let def = definition(&["open", "close"]);
        let names = EventNames {
            multiplier: 1,
            shift: 63,
            table: vec![EMPTY; 2].into_boxed_slice(),
            scan: true,
            ..EventNames::new(&def)
        };
        assert_eq!(names.find("close"), def.event_id("close"));
        assert_eq!(names.find("shut"), None);
    }
}
