//! A `.keylint.toml`: no panic, errors render, the `[policy]` table and globs resolve.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keylint_fuzz::harness::config(data);
});
