//! Untrusted text made safe to print: names from a definition file, ids,
//! reasons and actors from a store, paths and values from the command
//! line, and the messages of the libraries that quote them.
//!
//! What a terminal would act on is escaped, so that no text sets the
//! window's title, clears the screen, rings the bell or forges a line of
//! output: a newline, return, tab and NUL as `\n`, `\r`, `\t`, `\0`; any
//! other control character (C0, DEL, C1) and the characters that reorder
//! what is shown (bidirectional controls, line and paragraph separators)
//! as `\u{1b}`, Rust's form. A backslash is printed as it is: the escapes
//! keep the terminal safe, `--json` gives the exact values.
//!
//! Echoed values are cut at [`MAX_SHOWN`] characters, ellipsis included;
//! a whole message at [`MAX_LINE`].

use std::borrow::Cow;
use std::fmt::Write;

/// The most characters of one value that are echoed.
pub(crate) const MAX_SHOWN: usize = 200;

/// The most characters of one message or line.
pub(crate) const MAX_LINE: usize = 2000;

const ELLIPSIS: char = '…';

/// A value to print among other text: escaped, and cut at [`MAX_SHOWN`]
/// characters.
pub(crate) fn shown(text: &str) -> String {
    clip(text, MAX_SHOWN)
}

/// A whole message or line: escaped, and cut at [`MAX_LINE`] characters.
/// Text already [`shown`] stays as it is.
pub(crate) fn line(text: &str) -> String {
    clip(text, MAX_LINE)
}

/// `text` escaped, and cut (with an ellipsis) so that it holds at most
/// `max` characters; an escape is never cut in two.
fn clip(text: &str, max: usize) -> String {
    let mut out = String::new();
    let mut count = 0;
    let mut piece = String::new();
    for (i, c) in text.char_indices() {
        piece.clear();
        escape(c, &mut piece);
        let len = piece.chars().count();
        // Room is kept for the ellipsis unless this is the last character.
        let last = i + c.len_utf8() == text.len();
        if count + len + usize::from(!last) > max {
            out.push(ELLIPSIS);
            return out;
        }
        out.push_str(&piece);
        count += len;
    }
    out
}

/// `text` cut (with an ellipsis) at `max` characters, not escaped: for a
/// JSON string, which escapes in its own way.
pub(crate) fn capped(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some(_) => {
            let end = text.char_indices().nth(max - 1).map_or(0, |(i, _)| i);
            Cow::Owned(format!("{}{ELLIPSIS}", &text[..end]))
        }
    }
}

/// A compact JSON text made safe to print: `serde_json` escapes the C0 controls;
/// the other characters [`shown`] escapes are written as `\uXXXX` escapes
/// too, which read back as the same value.
pub(crate) fn json(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if needs_escape(c) {
            // Outside strings JSON has only ASCII punctuation, so `c` is
            // inside one. Each is in the Basic Multilingual Plane.
            let _ = write!(out, "\\u{:04x}", u32::from(c));
        } else {
            out.push(c);
        }
    }
    out
}

/// A JSON parser's message: serde_json quotes the input it did not expect
/// (a whole string, however long); that part is [`shown`], the position
/// that ends the message kept.
pub(crate) fn json_error(e: &serde_json::Error) -> String {
    let message = e.to_string();
    let at = format!(" at line {} column {}", e.line(), e.column());
    match message.strip_suffix(&at) {
        Some(what) => format!("{}{at}", shown(what)),
        None => shown(&message),
    }
}

/// Whether `c` is a control character or reorders what is shown.
fn needs_escape(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{2028}'..='\u{202e}' | '\u{2066}'..='\u{2069}'
        )
}

/// `c` as Rust writes it in a string literal when it must be escaped
/// (`\n`, `\0`, `\u{1b}`), else itself.
fn escape(c: char, out: &mut String) {
    if needs_escape(c) {
        out.extend(c.escape_debug());
    } else {
        out.push(c);
    }
}

#[cfg(test)]
mod tests {
    use super::{capped, clip, json, line, shown};

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(
            shown("a\x1b]0;t\x07\x1b[2J\nb\r\t\0\u{7f}\u{9b}\u{202e}c\\"),
            r"a\u{1b}]0;t\u{7}\u{1b}[2J\nb\r\t\0\u{7f}\u{9b}\u{202e}c\"
        );
        assert_eq!(shown("état `ok`"), "état `ok`");
        // Idempotent: what was shown shows the same.
        let once = shown("x\x1by");
        assert_eq!(line(&once), once);
    }

    #[test]
    fn long_values_are_cut_with_an_ellipsis() {
        assert_eq!(clip("abcdef", 6), "abcdef");
        assert_eq!(clip("abcdefg", 6), "abcde…");
        assert_eq!(clip("ab\x1b", 6), "ab…");
        assert_eq!(clip("ab\x1b", 8), r"ab\u{1b}");
        let cut = shown(&"é".repeat(1000));
        assert_eq!(cut.chars().count(), 200);
        assert!(cut.ends_with('…'));
        assert_eq!(capped("abcdefg", 6), "abcde…");
        assert_eq!(capped("abcdef", 6), "abcdef");
    }

    #[test]
    fn json_keeps_its_values_and_escapes_the_rest() {
        let v = serde_json::json!({"k": "a\x1b\u{9b}\u{202e}\u{7f}b"});
        let text = json(&v.to_string());
        assert_eq!(text, r#"{"k":"a\u001b\u009b\u202e\u007fb"}"#);
        assert_eq!(serde_json::from_str::<serde_json::Value>(&text).unwrap(), v);
    }
}
