//! `stored_row`: see `stateforge_fuzz::stored_row` for the property; a property
//! broken is a panic, which libFuzzer reports and saves as a crash.
#![no_main]
#![forbid(unsafe_code)]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if let Err(e) = stateforge_fuzz::stored_row(data) {
        panic!("{e}");
    }
});
