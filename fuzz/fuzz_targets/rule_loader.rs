//! A user rule file, as detector file and as policy file: no panic, errors render.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    keylint_fuzz::harness::rules(data);
});
