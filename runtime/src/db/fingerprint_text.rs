//! A definition's fingerprint as a row's column holds it: 16 lowercase
//! hex digits, as `Fingerprint`'s `Display` writes them. Every transition
//! writes it and every read checks it, so it is written on the stack,
//! and a row's column is checked against it before it is parsed.

use stateforge_core::Fingerprint;

/// The 16 hex digits of a fingerprint.
pub(crate) struct FingerprintText([u8; 16]);

impl FingerprintText {
    pub(crate) fn new(fingerprint: Fingerprint) -> FingerprintText {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut text = [0; 16];
        for (i, digit) in text.iter_mut().enumerate() {
            let nibble = (fingerprint.0 >> (60 - 4 * i)) & 0xf;
            *digit = DIGITS[usize::try_from(nibble).unwrap_or(0)];
        }
        FingerprintText(text)
    }

    pub(crate) fn as_str(&self) -> &str {
        // Only ASCII digits were written: this never falls back.
        std::str::from_utf8(&self.0).unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_what_display_writes() {
        for n in [0, 1, 0xabc, u64::MAX, 0x0123_4567_89ab_cdef, 1 << 63] {
            let fingerprint = Fingerprint(n);
            assert_eq!(
                FingerprintText::new(fingerprint).as_str(),
                fingerprint.to_string()
            );
        }
    }
}
